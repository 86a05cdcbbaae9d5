import type { ResolvedAnswer, Script, ScriptedFault, ScriptedReply } from './types.js';

/**
 * What real OpenAI-compatible servers send where they depart from OpenAI's
 * documentation, as replayable behaviours: error replies (faults), answer
 * shapes (OpenAIShape, set on an answer), and request rules (script wrappers
 * that refuse a request the way the server does). Each names its source.
 */

// ---- Errors ----

/** vLLM (before it adopted `{error: …}`): a flat `{object: "error", message}` body. */
export const vllmError = (status: number, message: string): ScriptedFault => ({
  fault: 'http',
  status,
  body: { object: 'error', message, type: 'BadRequestError', param: null, code: status },
});

/** Gemini's OpenAI-compatible endpoint: Google's error object, inside an array. */
export const geminiError = (status: number, message: string, type = 'INVALID_ARGUMENT'): ScriptedFault => ({
  fault: 'http',
  status,
  body: [{ error: { code: status, message, status: type } }],
});

/** A proxy or gateway answering with plain text. */
export const plainTextError = (status: number, text: string): ScriptedFault => ({
  fault: 'http',
  status,
  body: text,
});

/** llama.cpp server: an error after the stream started is an `error:` SSE field, not `data:`. */
export const llamacppStreamError = (message: string): ScriptedFault => ({
  fault: 'stream_error',
  text: 'Working on it, this will take a moment.',
  afterChunks: 2,
  line: `error: ${JSON.stringify({ code: 500, message, type: 'server_error' })}`,
});

/** llama.cpp server: a prompt longer than the slot's n_ctx. */
export const llamacppContextSize = (nPromptTokens: number, nCtx: number): ScriptedFault => ({
  fault: 'http',
  status: 400,
  body: {
    error: {
      code: 400,
      message: 'the request exceeds the available context size, try increasing it',
      type: 'exceed_context_size_error',
      n_prompt_tokens: nPromptTokens,
      n_ctx: nCtx,
    },
  },
});

/** A proxy that writes an upstream's JSON error into the open 200 stream as is, outside any SSE field. */
export const rawJsonErrorInStream = (status: number, message: string): ScriptedFault => ({
  fault: 'stream_error',
  afterChunks: 1,
  line: JSON.stringify({ error: { message, type: 'invalid_request_error', code: status } }),
});

/** OpenRouter: an upstream failure mid-stream is a chunk with `error` and finish_reason "error". */
export const openrouterMidStreamError = (message: string): ScriptedFault => ({
  fault: 'stream_error',
  text: 'Partial answer',
  afterChunks: 2,
  line: `data: ${JSON.stringify({
    id: 'gen-1',
    object: 'chat.completion.chunk',
    error: { code: 'server_error', message },
    choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
  })}`,
});

/** Groq: the model wrote a tool call its parser could not read; intermittent, and a new sample usually works. */
export const groqToolUseFailed: ScriptedFault = {
  fault: 'http',
  status: 400,
  body: {
    error: {
      message:
        "Failed to call a function. Please adjust your prompt. See 'failed_generation' for more details.",
      type: 'invalid_request_error',
      code: 'tool_use_failed',
      failed_generation: '<function=read{"path": "src/math.js"}</function>',
    },
  },
};

// ---- Answer shapes ----

/** Gemini's signatures are opaque bytes; these are tied to the call id so a replay can be checked without state. */
export const signatureFor = (callId: string): string =>
  Buffer.from(`signature of ${callId}`).toString('base64');

/** How chat templates render calls when the server has no parser for them (Hermes/Qwen, Mistral, Llama 3). */
export function callsAsText(
  template: 'hermes' | 'mistral' | 'bare',
  calls: ResolvedAnswer['toolCalls'],
): string {
  const objects = calls.map((call) => ({
    name: call.name,
    arguments: JSON.parse(call.arguments) as unknown,
  }));
  if (template === 'mistral') return `[TOOL_CALLS]${JSON.stringify(objects)}`;
  if (template === 'bare')
    return objects.map((call) => JSON.stringify({ name: call.name, parameters: call.arguments })).join('');
  return objects.map((call) => `\n<tool_call>\n${JSON.stringify(call)}\n</tool_call>`).join('');
}

// ---- Request rules ----

interface WireAssistant {
  role: string;
  tool_calls?: { id: string; extra_content?: { google?: { thought_signature?: string } } }[];
  reasoning_content?: string;
}

const assistantTurns = (body: Record<string, unknown>): [number, WireAssistant][] =>
  ((body.messages as WireAssistant[] | undefined) ?? []).flatMap((message, index) =>
    message.role === 'assistant' ? [[index, message] as [number, WireAssistant]] : [],
  );

/** A rule refuses a request (with the server's error) or lets the script answer it. */
const rule =
  (refusal: (body: Record<string, unknown>) => ScriptedReply | undefined) =>
  (script: Script): Script =>
  (turn) =>
    refusal(turn.body) ?? script(turn);

/** DeepSeek in thinking mode: a tool-call turn sent back without its reasoning_content is refused. */
export const deepseekRequiresReasoning = rule((body) => {
  const missing = assistantTurns(body).find(([, m]) => m.tool_calls?.length && !m.reasoning_content);
  return missing
    ? {
        fault: 'http',
        status: 400,
        body: {
          error: {
            message: `Missing \`reasoning_content\` field in the assistant message at message index ${missing[0]}. For more information, please refer to https://api-docs.deepseek.com/guides/thinking_mode#tool-calls`,
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_request_error',
          },
        },
      }
    : undefined;
});

/** Gemini 3 through its OpenAI endpoint: each call must come back with the thought_signature it was sent with. */
export const geminiRequiresSignatures = rule((body) => {
  const calls = assistantTurns(body).flatMap(([, m]) => m.tool_calls ?? []);
  const unsigned = calls.find(
    (call) => call.extra_content?.google?.thought_signature !== signatureFor(call.id),
  );
  return unsigned
    ? geminiError(
        400,
        'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance.',
      )
    : undefined;
});

/** OpenAI's reasoning models refuse max_tokens; older servers refuse max_completion_tokens. */
export const refusesParameter = (name: 'max_tokens' | 'max_completion_tokens') =>
  rule((body) =>
    name in body
      ? {
          fault: 'http',
          status: 400,
          body: {
            error: {
              message: `Unsupported parameter: '${name}' is not supported with this model. Use '${name === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens'}' instead.`,
              type: 'invalid_request_error',
              param: name,
              code: 'unsupported_parameter',
            },
          },
        }
      : undefined,
  );

/** llama.cpp builds whose streaming has no tool-call support. */
export const refusesStreamingWithTools = rule((body) =>
  body.stream === true && Array.isArray(body.tools) && body.tools.length > 0
    ? {
        fault: 'http',
        status: 400,
        body: {
          error: { code: 400, message: 'Cannot use tools with stream', type: 'invalid_request_error' },
        },
      }
    : undefined,
);

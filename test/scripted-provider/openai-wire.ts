import type { Message, ToolCall } from '../../src/core/messages.js';
import { fragments } from './chunking.js';
import { callsAsText, signatureFor } from './openai-quirks.js';
import type { ResolvedAnswer, SseEvent, WireFormat } from './types.js';

/** OpenAI Chat Completions, as documented and as the official SDK parses it. */

interface WireMessage {
  role: string;
  content?: string | { type: string; text?: string }[] | null;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

const textOf = (content: WireMessage['content']): string =>
  typeof content === 'string' ? content : (content ?? []).map((part) => part.text ?? '').join('');

function toNeutral(wire: WireMessage[]): { system: string; messages: Message[] } {
  const system: string[] = [];
  const messages: Message[] = [];
  const toolNames = new Map<string, string>();
  for (const message of wire) {
    if (message.role === 'system' || message.role === 'developer') system.push(textOf(message.content));
    else if (message.role === 'user') messages.push({ role: 'user', content: textOf(message.content) });
    else if (message.role === 'assistant') {
      const toolCalls: ToolCall[] = (message.tool_calls ?? []).map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      }));
      for (const call of toolCalls) toolNames.set(call.id, call.name);
      messages.push({ role: 'assistant', content: textOf(message.content), toolCalls });
    } else if (message.role === 'tool') {
      const id = message.tool_call_id ?? '';
      const content = textOf(message.content);
      messages.push({ role: 'tool', toolCallId: id, name: toolNames.get(id) ?? '', content, isError: false });
    }
  }
  return { system: system.join('\n\n'), messages };
}

/** The answer as the server puts it on the wire: calls written into the text when its parser misses them. */
function rendered(answer: ResolvedAnswer): ResolvedAnswer & { finish: string } {
  const inText = answer.shape?.callsInText;
  const text = inText ? answer.text + callsAsText(inText, answer.toolCalls) : answer.text;
  const toolCalls = inText ? [] : answer.toolCalls;
  const finish = answer.shape?.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
  return { ...answer, text, toolCalls, finish };
}

const extraContent = (answer: ResolvedAnswer, id: string) =>
  answer.shape?.thoughtSignatures && { extra_content: { google: { thought_signature: signatureFor(id) } } };

/** Azure's annotations: a first chunk for the prompt with no choices, and one without a delta after each content chunk. */
const PROMPT_FILTER = {
  id: '',
  object: '',
  created: 0,
  model: '',
  choices: [],
  prompt_filter_results: [{ prompt_index: 0, content_filter_results: { hate: { filtered: false } } }],
};
const CONTENT_FILTER_CHOICE = {
  index: 0,
  finish_reason: null,
  content_filter_results: { hate: { filtered: false, severity: 'safe' } },
  content_filter_offsets: { check_offset: 0, start_offset: 0, end_offset: 10 },
};

function usageBody(answer: ResolvedAnswer) {
  const { inputTokens, outputTokens, cacheReadTokens } = answer.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
}

const errorBody = (message: string, type: string, code: string | null) => ({
  error: { message, type, param: null, code },
});

export const openaiWire: WireFormat = {
  parseRequest(body) {
    const tools = (body.tools as { function: { name: string } }[] | undefined) ?? [];
    return {
      model: String(body.model),
      ...toNeutral((body.messages as WireMessage[] | undefined) ?? []),
      tools: tools.map((tool) => tool.function.name),
      stream: body.stream === true,
    };
  },

  toolCallId: (n) => `call_scripted${n}`,

  json(original, model) {
    const answer = rendered(original);
    const field = answer.shape?.reasoningField;
    return {
      id: 'chatcmpl-scripted',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: answer.text || null,
            refusal: null,
            ...(field && answer.thinking && { [field]: answer.thinking }),
            ...(answer.toolCalls.length > 0 && {
              tool_calls: answer.toolCalls.map((call) => ({
                id: call.id,
                type: 'function',
                function: { name: call.name, arguments: call.arguments },
                ...extraContent(answer, call.id),
              })),
            }),
          },
          logprobs: null,
          finish_reason: answer.finish,
        },
      ],
      usage: usageBody(answer),
    };
  },

  events(original, model) {
    const answer = rendered(original);
    const { reasoningField, contentFilter, toolCallIndex = 'position' } = answer.shape ?? {};
    const chunk = (delta: Record<string, unknown> | undefined, finish: string | null = null): SseEvent => ({
      data: {
        id: 'chatcmpl-scripted',
        object: 'chat.completion.chunk',
        created: Math.floor(Date.now() / 1000),
        model,
        system_fingerprint: null,
        choices: [delta ? { index: 0, delta, logprobs: null, finish_reason: finish } : CONTENT_FILTER_CHOICE],
        usage: null,
      },
    });
    const events: SseEvent[] = contentFilter ? [{ data: PROMPT_FILTER }] : [];
    events.push(chunk({ role: 'assistant', content: '', refusal: null }));
    if (reasoningField && answer.thinking)
      for (const thought of fragments(answer.thinking)) events.push(chunk({ [reasoningField]: thought }));
    for (const text of fragments(answer.text)) {
      events.push(chunk({ content: text }));
      if (contentFilter) events.push(chunk(undefined));
    }
    answer.toolCalls.forEach((call, position) => {
      const index =
        toolCallIndex === 'position' ? { index: position } : toolCallIndex === 'zero' ? { index: 0 } : {};
      const start = { ...index, id: call.id, type: 'function', ...extraContent(answer, call.id) };
      // Servers without an index send each call whole, in one fragment (older Ollama).
      if (toolCallIndex === 'none') {
        events.push(
          chunk({ tool_calls: [{ ...start, function: { name: call.name, arguments: call.arguments } }] }),
        );
        return;
      }
      events.push(chunk({ tool_calls: [{ ...start, function: { name: call.name, arguments: '' } }] }));
      for (const part of fragments(call.arguments)) {
        events.push(chunk({ tool_calls: [{ ...index, function: { arguments: part } }] }));
      }
    });
    events.push(chunk({}, answer.finish));
    const usageChunk = chunk({});
    Object.assign(usageChunk.data as object, { choices: [], usage: usageBody(answer) });
    events.push(usageChunk, { data: '[DONE]' });
    return events;
  },

  error(fault, detail) {
    switch (fault) {
      case '429':
        return {
          status: 429,
          body: errorBody(
            'Rate limit reached for requests. Please try again later.',
            'requests',
            'rate_limit_exceeded',
          ),
        };
      case '500':
        return {
          status: 500,
          body: errorBody(
            'The server had an error while processing your request. Sorry about that!',
            'server_error',
            null,
          ),
        };
      case '529':
        return {
          status: 503,
          body: errorBody(
            'The engine is currently overloaded, please try again later.',
            'server_error',
            null,
          ),
        };
      case 'context_length':
        return {
          status: 400,
          body: errorBody(
            `This model's maximum context length is 128000 tokens. However, your messages resulted in ${detail} tokens. Please reduce the length of the messages.`,
            'invalid_request_error',
            'context_length_exceeded',
          ),
        };
      case 'invalid_request':
        return { status: 400, body: errorBody(detail, 'invalid_request_error', null) };
      case 'script_error':
        return {
          status: 400,
          body: errorBody(`scripted provider: ${detail}`, 'invalid_request_error', null),
        };
    }
  },
};

import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../src/core/messages.js';
import { defaultIdleTimeoutMs, OpenAIProvider } from '../src/providers/openai.js';
import { ProviderError, type ModelResponse } from '../src/providers/provider.js';
import { withRetries } from '../src/providers/retry.js';
import {
  deepseekRequiresReasoning,
  geminiError,
  geminiRequiresSignatures,
  groqToolUseFailed,
  llamacppContextSize,
  llamacppStreamError,
  openrouterMidStreamError,
  plainTextError,
  rawJsonErrorInStream,
  refusesParameter,
  refusesStreamingWithTools,
  signatureFor,
  vllmError,
} from './scripted-provider/openai-quirks.js';
import { scriptSequence } from './scripted-provider/script.js';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import type { OpenAIShape, Script, ScriptedFault } from './scripted-provider/types.js';
import { modelRequest, providerFailure, twoCalls } from './support/provider-calls.js';

/** What real OpenAI-compatible servers send, replayed by the scripted provider, through the official SDK. */

let server: ScriptedProvider;
afterEach(() => server?.close());

async function connect(script: Script, baseUrl?: (server: ScriptedProvider) => string) {
  server = await startScriptedProvider(script);
  const provider = new OpenAIProvider({
    apiKey: 'test-key',
    baseUrl: baseUrl?.(server) ?? server.openaiBaseUrl,
  });
  return withRetries(provider, { baseDelayMs: 1 });
}

const callsOf = (response: ModelResponse) =>
  response.toolCalls.map((call) => [call.name, JSON.parse(call.arguments) as unknown]);

/** The conversation after `first`, with a result for each of its calls. */
const after = (first: ModelResponse): Message[] => [
  { role: 'user', content: 'fix the bug' },
  { role: 'assistant', content: first.text, toolCalls: first.toolCalls, reasoning: first.reasoning },
  ...first.toolCalls.map((call): Message => ({
    role: 'tool',
    toolCallId: call.id,
    name: call.name,
    content: 'ok',
    isError: false,
  })),
];

describe('tool-call streaming shapes', () => {
  it.each<[string, OpenAIShape]>([
    ['all at index 0 with different ids', { toolCallIndex: 'zero' }],
    ['without an index, each whole in one fragment (older Ollama)', { toolCallIndex: 'none' }],
    ["among Azure's content-filter chunks (empty choices, no delta)", { contentFilter: true }],
  ])('keeps parallel calls apart when they arrive %s', async (_, shape) => {
    const provider = await connect(() => ({ ...twoCalls, shape }));
    const response = await provider.complete(modelRequest(), {});
    expect(response.text).toBe('Reading both.');
    expect(callsOf(response)).toEqual([
      ['read', { path: 'src/a.ts' }],
      ['search', { query: 'add(' }],
    ]);
    expect(response.stopReason).toBe('tool_use');
    expect(server.requests).toHaveLength(1);
  });

  it('never returns a tool-call reply without a call as an answer: retried once, then an error naming it', async () => {
    const provider = await connect(() => ({ text: '', shape: { finishReason: 'tool_calls' } }));
    const error = await providerFailure(provider.complete(modelRequest(), {}));
    expect(error.kind).toBe('bad_output');
    expect(error.message).toMatch(/finish_reason "tool_calls".*no tool call/);
    expect(server.requests).toHaveLength(2);
  });
});

describe('reasoning fields', () => {
  const thinking = 'The test calls add(2, 3); read src/a.ts first.';

  it('streams DeepSeek reasoning_content as thinking and sends it back with the tool-call turn', async () => {
    const provider = await connect(
      deepseekRequiresReasoning((turn) =>
        turn.messages.some((m) => m.role === 'tool')
          ? { text: 'done' }
          : { ...twoCalls, thinking, shape: { reasoningField: 'reasoning_content' } },
      ),
    );
    const thoughts: string[] = [];
    const first = await provider.complete(modelRequest({ model: 'deepseek-chat' }), {
      onThinkingDelta: (text) => thoughts.push(text),
    });
    expect(thoughts.join('')).toBe(thinking);
    expect(first.text).toBe('Reading both.');

    const second = await provider.complete(
      modelRequest({ model: 'deepseek-chat', messages: after(first) }),
      {},
    );
    expect(second.text).toBe('done');
    expect((server.requests[1]!.body.messages as object[])[2]).toMatchObject({
      role: 'assistant',
      reasoning_content: thinking,
    });

    // What DeepSeek does when it is dropped; and it is only ever replayed to the model that wrote it.
    const refused = await providerFailure(
      provider.complete(modelRequest({ model: 'other', messages: after(first) }), {}),
    );
    expect(refused.kind).toBe('bad_request');
    expect(refused.message).toMatch(
      /Missing `reasoning_content` field in the assistant message at message index 2/,
    );
  });

  it("streams OpenRouter's and Ollama's `reasoning` as thinking", async () => {
    const provider = await connect(() => ({ text: 'ok', thinking, shape: { reasoningField: 'reasoning' } }));
    const thoughts: string[] = [];
    const response = await provider.complete(modelRequest(), {
      onThinkingDelta: (text) => thoughts.push(text),
    });
    expect(thoughts.join('')).toBe(thinking);
    expect(response.text).toBe('ok');
  });

  it("keeps Gemini's thought signatures and sends each back on its call", async () => {
    const provider = await connect(
      geminiRequiresSignatures((turn) =>
        turn.messages.some((m) => m.role === 'tool')
          ? { text: 'done' }
          : { ...twoCalls, shape: { thoughtSignatures: true } },
      ),
    );
    const first = await provider.complete(modelRequest({ model: 'gemini-3-pro-preview' }), {});
    const second = await provider.complete(
      modelRequest({ model: 'gemini-3-pro-preview', messages: after(first) }),
      {},
    );
    expect(second.text).toBe('done');
    const sent = (server.requests[1]!.body.messages as { tool_calls?: object[] }[])[2]!.tool_calls;
    expect(sent).toEqual(
      first.toolCalls.map((call) =>
        expect.objectContaining({
          id: call.id,
          extra_content: { google: { thought_signature: signatureFor(call.id) } },
        }),
      ),
    );
  });
});

describe("servers' own error messages", () => {
  it.each<[string, ScriptedFault, RegExp, ProviderError['kind'], number]>([
    [
      'vLLM {object: "error"}',
      vllmError(400, 'max_tokens must be at least 1, got -5.'),
      /max_tokens must be at least 1/,
      'bad_request',
      1,
    ],
    [
      "Gemini's [{error}]",
      geminiError(400, 'API key not valid. Please pass a valid API key.'),
      /API key not valid/,
      'bad_request',
      1,
    ],
    [
      'a plain-text 502 from a gateway',
      plainTextError(502, 'upstream connect error or disconnect/reset before headers'),
      /upstream connect error/,
      'server',
      5,
    ],
    [
      "llama.cpp's error: line in the stream",
      llamacppStreamError('slot unavailable: KV cache is full'),
      /KV cache is full/,
      'server',
      5,
    ],
    [
      'a raw JSON error object in a 200 stream',
      rawJsonErrorInStream(400, 'Invalid tool schema for "read"'),
      /Invalid tool schema/,
      'bad_request',
      1,
    ],
    [
      'a 200 JSON error body instead of a stream',
      {
        fault: 'http',
        status: 200,
        body: { error: { message: 'model "qwen3:8b" not found, try pulling it first', type: 'api_error' } },
      },
      /try pulling it first/,
      'server',
      5,
    ],
    [
      "Ollama's untyped error string in the stream",
      {
        fault: 'stream_error',
        afterChunks: 1,
        line: 'data: {"error":"an error was encountered while running the model: unexpected EOF"}',
      },
      /^an error was encountered while running the model: unexpected EOF$/,
      'server',
      5,
    ],
    [
      "OpenRouter's mid-stream error chunk",
      openrouterMidStreamError('Provider returned error'),
      /Provider returned error/,
      'server',
      5,
    ],
  ])('reaches the user from %s, classified', async (_, fault, message, kind, attempts) => {
    const provider = await connect(() => fault);
    const error = await providerFailure(provider.complete(modelRequest(), {}));
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/no body|stream ended before/);
    expect(error.kind).toBe(kind);
    expect(server.requests).toHaveLength(attempts);
  });

  it.each<[string, ScriptedFault]>([
    ['by its type', llamacppContextSize(9000, 8192)],
    [
      'by its message (builds before the type)',
      {
        fault: 'http',
        status: 400,
        body: {
          error: {
            code: 400,
            message: 'the request exceeds the available context size, try increasing it',
            type: 'invalid_request_error',
          },
        },
      },
    ],
    [
      "LM Studio's, by its message",
      plainTextError(
        400,
        'The number of tokens to keep from the initial prompt is greater than the context length',
      ),
    ],
  ])("treats llama.cpp's context-size error %s as a context-length error, not retried", async (_, fault) => {
    const provider = await connect(() => fault);
    const error = await providerFailure(provider.complete(modelRequest(), {}));
    expect(error.kind).toBe('context_length');
    expect(error.message).toMatch(/context (size|length)/);
    expect(server.requests).toHaveLength(1);
  });

  it("retries Groq's intermittent tool_use_failed", async () => {
    const provider = await connect(scriptSequence(groqToolUseFailed, twoCalls));
    expect(callsOf(await provider.complete(modelRequest(), {}))).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
  });
});

describe('request shape', () => {
  const tokenFields = (turn: { body: Record<string, unknown> }) =>
    ['max_tokens', 'max_completion_tokens'].filter((field) => field in turn.body);

  it('chooses the token-limit field by model, whatever the base URL', async () => {
    const provider = await connect(() => ({ text: 'ok' }));
    for (const model of ['gpt-5', 'o3-mini', 'openai/gpt-5-mini', 'qwen2.5-coder:7b', 'gpt-4.1'])
      await provider.complete(modelRequest({ model }), {});
    expect(server.requests.map(tokenFields)).toEqual([
      ['max_completion_tokens'],
      ['max_completion_tokens'],
      ['max_completion_tokens'],
      ['max_tokens'],
      ['max_tokens'],
    ]);
  });

  it('switches to the other field once when the server refuses one, and keeps it for the session', async () => {
    const provider = await connect(refusesParameter('max_tokens')(() => ({ text: 'ok' })));
    expect((await provider.complete(modelRequest({ model: 'my-azure-deployment' }), {})).text).toBe('ok');
    expect((await provider.complete(modelRequest({ model: 'my-azure-deployment' }), {})).text).toBe('ok');
    expect(server.requests.map(tokenFields)).toEqual([
      ['max_tokens'],
      ['max_completion_tokens'],
      ['max_completion_tokens'],
    ]);
  });

  it('falls back to non-streaming requests for the session when the server refuses to stream with tools', async () => {
    const provider = await connect(
      refusesStreamingWithTools(() => ({
        ...twoCalls,
        thinking: 't',
        shape: { reasoningField: 'reasoning_content' },
      })),
    );
    const thoughts: string[] = [];
    const response = await provider.complete(modelRequest(), {
      onThinkingDelta: (text) => thoughts.push(text),
    });
    expect(callsOf(response)).toHaveLength(2);
    expect(thoughts).toEqual(['t']);
    await provider.complete(modelRequest(), {});
    expect(server.requests.map((turn) => turn.stream)).toEqual([true, false, false]);
  });

  it('reaches an Azure classic deployment URL with its api-version and an api-key header', async () => {
    const provider = await connect(
      () => ({ text: 'ok' }),
      (s) => `${s.baseUrl}/openai/deployments/gpt-4o-prod?api-version=2024-10-21`,
    );
    expect((await provider.complete(modelRequest(), {})).text).toBe('ok');
    const turn = server.requests[0]!;
    expect(turn.url).toBe('/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21');
    expect(turn.headers['api-key']).toBe('test-key');
    expect(turn.headers.authorization).toBeUndefined();
  });
});

describe('idle timeout on Azure', () => {
  it("gives OpenAI's silently thinking models on Azure the same long window as on OpenAI's endpoint", () => {
    const azure = 'https://contoso.openai.azure.com/openai/deployments/gpt-5?api-version=2024-10-21';
    expect(defaultIdleTimeoutMs('gpt-5', azure)).toBe(300_000);
    expect(defaultIdleTimeoutMs('gpt-4.1', azure)).toBeUndefined();
  });
});

describe('tool calls written in the text', () => {
  it.each(['hermes', 'mistral', 'bare'] as const)(
    'runs %s-template calls to offered tools',
    async (template) => {
      const calls = template === 'bare' ? { toolCalls: twoCalls.toolCalls.slice(0, 1) } : twoCalls;
      const provider = await connect(() => ({ ...calls, shape: { callsInText: template } }));
      const response = await provider.complete(modelRequest(), {});
      expect(callsOf(response)).toEqual(
        template === 'bare'
          ? [['read', { path: 'src/a.ts' }]]
          : [
              ['read', { path: 'src/a.ts' }],
              ['search', { query: 'add(' }],
            ],
      );
      expect(response.stopReason).toBe('tool_use');
      expect(response.text).not.toMatch(/tool_call|TOOL_CALLS|"name"/);
    },
  );

  it('leaves an answer that merely looks like a call to a tool that is not offered', async () => {
    const json = '{"name": "deploy", "parameters": {"env": "prod"}}';
    const provider = await connect(() => ({ text: json }));
    const response = await provider.complete(modelRequest(), {});
    expect(response).toMatchObject({ text: json, toolCalls: [], stopReason: 'end' });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../src/core/messages.js';
import { AnthropicProvider } from '../src/providers/anthropic.js';
import { ConfigError } from '../src/providers/errors.js';
import { createProvider, pickProvider } from '../src/providers/factory.js';
import { modelInfo, UNKNOWN_MODEL_LIMITS } from '../src/providers/models.js';
import { defaultIdleTimeoutMs, OpenAIProvider } from '../src/providers/openai.js';
import type { Provider } from '../src/providers/provider.js';
import { backoffDelay, withRetries, type RetryOptions } from '../src/providers/retry.js';
import { scriptSequence } from './scripted-provider/script.js';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import type { Script, WireProtocol } from './scripted-provider/types.js';
import { modelRequest, providerFailure, twoCalls } from './support/provider-calls.js';

let server: ScriptedProvider;
afterEach(() => server?.close());

async function connect(protocol: WireProtocol, script: Script, idleTimeoutMs?: number): Promise<Provider> {
  server = await startScriptedProvider(script);
  return protocol === 'openai'
    ? new OpenAIProvider({ apiKey: 'test', baseUrl: server.openaiBaseUrl, idleTimeoutMs })
    : new AnthropicProvider({ apiKey: 'test', baseUrl: server.anthropicBaseUrl, idleTimeoutMs });
}

/** One round of two tool calls, one of which failed. */
const toolRound: Message[] = [
  { role: 'user', content: 'fix the bug' },
  {
    role: 'assistant',
    content: 'Looking.',
    toolCalls: [
      { id: 'call_1', name: 'read', arguments: '{"path":"a.ts"}' },
      { id: 'call_2', name: 'search', arguments: '{"query":"x"}' },
    ],
  },
  { role: 'tool', toolCallId: 'call_1', name: 'read', content: 'const a = 1;', isError: false },
  { role: 'tool', toolCallId: 'call_2', name: 'search', content: 'invalid regex', isError: true },
];

const fastRetries = (retries: [number, number, string][]): RetryOptions => ({
  baseDelayMs: 1,
  onRetry: (attempt, delayMs, reason) => retries.push([attempt, delayMs, reason]),
});

describe.each<WireProtocol>(['openai', 'anthropic'])('%s provider through the official SDK', (protocol) => {
  it('streams text and several tool calls of one turn, with usage incl. cached tokens', async () => {
    const usage = {
      inputTokens: 1500,
      outputTokens: 30,
      cacheReadTokens: 1200,
      cacheWriteTokens: protocol === 'anthropic' ? 200 : 0,
    };
    const provider = await connect(protocol, () => ({ ...twoCalls, usage }));
    const deltas: string[] = [];

    const response = await provider.complete(modelRequest(), { onTextDelta: (text) => deltas.push(text) });

    expect(response.text).toBe('Reading both.');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Reading both.');
    expect(response.toolCalls.map((call) => [call.name, JSON.parse(call.arguments)])).toEqual([
      ['read', { path: 'src/a.ts' }],
      ['search', { query: 'add(' }],
    ]);
    expect(new Set(response.toolCalls.map((call) => call.id)).size).toBe(2);
    expect(response.stopReason).toBe('tool_use');
    expect(response.usage).toEqual(usage);
  });

  it('sends the conversation so the model sees exactly what happened, tool results and errors included', async () => {
    const provider = await connect(protocol, () => ({ text: 'Done.' }));

    const response = await provider.complete(modelRequest({ messages: toolRound }), {});

    expect(response).toMatchObject({ text: 'Done.', toolCalls: [], stopReason: 'end' });
    const turn = server.requests[0]!;
    expect(turn.system).toBe('You are terse.');
    expect(turn.tools).toEqual(['read', 'search']);
    // Chat Completions has no error flag on tool results, so the text says it.
    const expected =
      protocol === 'openai'
        ? toolRound.map((m) =>
            m.role === 'tool' && m.isError ? { ...m, isError: false, content: `Error: ${m.content}` } : m,
          )
        : toolRound;
    expect(turn.messages).toEqual(expected);
  });

  it('passes malformed tool arguments through raw and turns empty ones into {}', async () => {
    const provider = await connect(protocol, () => ({
      toolCalls: [
        { name: 'read', arguments: '{"path": "a.ts", ' },
        { name: 'search', arguments: '' },
      ],
    }));
    const response = await provider.complete(modelRequest(), {});
    expect(response.toolCalls.map((call) => call.arguments)).toEqual(['{"path": "a.ts", ', '{}']);
  });

  it('honours retry-after on a 429, then succeeds', async () => {
    const retries: [number, number, string][] = [];
    const provider = withRetries(
      await connect(
        protocol,
        scriptSequence({ fault: '429', retryAfterSeconds: 0.05 }, { text: 'after the wait' }),
      ),
      fastRetries(retries),
    );
    const response = await provider.complete(modelRequest(), {});
    expect(response.text).toBe('after the wait');
    expect(retries).toEqual([[1, 50, expect.stringMatching(/^rate_limit/)]]);
  });

  it.each([
    ['500', 'server'],
    ['529', 'overloaded'],
  ] as const)('retries a %s as %s, then succeeds', async (fault, kind) => {
    const retries: [number, number, string][] = [];
    const provider = withRetries(
      await connect(protocol, scriptSequence({ fault }, { fault }, { text: 'ok' })),
      fastRetries(retries),
    );
    expect((await provider.complete(modelRequest(), {})).text).toBe('ok');
    expect(retries.map(([attempt, , reason]) => [attempt, reason.split(':')[0]])).toEqual([
      [1, kind],
      [2, kind],
    ]);
  });

  it('never returns the partial response of a dropped stream: it fails retryably, and the retry gets the whole answer', async () => {
    const dropped = {
      fault: 'drop',
      afterChunks: 4,
      text: 'half of a reply that must not be used',
      toolCalls: twoCalls.toolCalls,
    } as const;
    const bare = await connect(protocol, () => dropped);
    const error = await providerFailure(bare.complete(modelRequest(), {}));
    expect(error.kind).toBe('connection');
    expect(error.retryable).toBe(true);
    await server.close();

    const retries: [number, number, string][] = [];
    const provider = withRetries(
      await connect(protocol, scriptSequence(dropped, twoCalls)),
      fastRetries(retries),
    );
    const response = await provider.complete(modelRequest(), {});
    expect(response.text).toBe('Reading both.');
    expect(response.toolCalls.map((call) => call.name)).toEqual(['read', 'search']);
    expect(retries).toHaveLength(1);
  });

  it('names the reason a connection failed (refused, and where), not only that it failed', async () => {
    const provider = await connect(protocol, () => ({ text: 'never sent' }));
    const { port } = new URL(server.baseUrl);
    await server.close();
    const error = await providerFailure(provider.complete(modelRequest(), {}));
    expect(error.kind).toBe('connection');
    expect(error.message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('treats a stream that closes without its end marker as a dropped connection', async () => {
    const provider = await connect(protocol, () => ({
      fault: 'drop',
      afterChunks: 4,
      endCleanly: true,
      ...twoCalls,
    }));
    const error = await providerFailure(provider.complete(modelRequest(), {}));
    expect(error.kind).toBe('connection');
  });

  it('surfaces a context-length error as context_length without retrying it', async () => {
    const retries: [number, number, string][] = [];
    const provider = withRetries(
      await connect(protocol, () => ({ fault: 'context_length' })),
      fastRetries(retries),
    );
    const error = await providerFailure(provider.complete(modelRequest(), {}));
    expect(error.kind).toBe('context_length');
    expect(error.status).toBe(400);
    expect(retries).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after the configured number of attempts with the last error', async () => {
    const provider = withRetries(await connect(protocol, () => ({ fault: '500' })), {
      baseDelayMs: 1,
      maxAttempts: 3,
    });
    expect((await providerFailure(provider.complete(modelRequest(), {}))).kind).toBe('server');
    expect(server.requests).toHaveLength(3);
  });

  it.each([
    ['accepts and never answers', { fault: 'hang' }],
    ['sends its headers, then nothing', { fault: 'stall' }],
    ['stalls in the middle of the stream', { fault: 'stall', afterChunks: 3, ...twoCalls }],
  ] as const)('gives up on a server that %s: an idle timeout, tried twice', async (_, fault) => {
    const retries: [number, number, string][] = [];
    const provider = withRetries(await connect(protocol, () => fault, 200), fastRetries(retries));
    const error = await providerFailure(provider.complete(modelRequest(), {}));
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/no data from the model server for 0\.2 s \(idle timeout\)/);
    expect(retries).toHaveLength(1);
    expect(retries[0]![2]).toMatch(/^timeout: /);
    expect(server.requests).toHaveLength(2);
  });

  it('waits for a model that sends nothing but keep-alive bytes for longer than the idle timeout', async () => {
    const retries: [number, number, string][] = [];
    const slow = { fault: 'slow', pings: 12, everyMs: 50, ...twoCalls } as const;
    const provider = withRetries(await connect(protocol, () => slow, 300), fastRetries(retries));
    expect((await provider.complete(modelRequest(), {})).text).toBe('Reading both.');
    expect(retries).toEqual([]);
  });

  it('stops with kind aborted when the user interrupts mid-stream', async () => {
    const provider = await connect(protocol, () => ({ text: 'a long answer that gets interrupted' }));
    const controller = new AbortController();
    const error = await providerFailure(
      provider.complete(modelRequest({ signal: controller.signal }), {
        onTextDelta: () => controller.abort(),
      }),
    );
    expect(error.kind).toBe('aborted');
  });

  it('stops waiting for a retry when the user interrupts', async () => {
    const controller = new AbortController();
    const provider = withRetries(await connect(protocol, () => ({ fault: '429', retryAfterSeconds: 30 })), {
      onRetry: () => controller.abort(),
    });
    expect(
      (await providerFailure(provider.complete(modelRequest({ signal: controller.signal }), {}))).kind,
    ).toBe('aborted');
    expect(server.requests).toHaveLength(1);
  });
});

describe('Anthropic prompt caching', () => {
  it('puts cache breakpoints on the system prompt, the tools and the last message, and batches tool results', async () => {
    const provider = await connect('anthropic', () => ({ text: 'ok' }));
    await provider.complete(modelRequest({ messages: toolRound }), {});
    const body = server.requests[0]!.body as {
      system: { cache_control?: unknown }[];
      tools: { cache_control?: unknown }[];
      messages: { role: string; content: { type: string; cache_control?: unknown }[] }[];
    };
    const ephemeral = { type: 'ephemeral' };
    expect(body.system[0]!.cache_control).toEqual(ephemeral);
    expect(body.tools.map((tool) => tool.cache_control)).toEqual([undefined, ephemeral]);
    expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(body.messages[2]!.content.map((block) => [block.type, block.cache_control])).toEqual([
      ['tool_result', undefined],
      ['tool_result', ephemeral],
    ]);
  });
});

describe('OpenAI request shape', () => {
  it('asks for usage in the stream and offers tools as functions', async () => {
    const provider = await connect('openai', () => ({ text: 'ok' }));
    await provider.complete(modelRequest(), {});
    expect(server.requests[0]!.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      tools: [
        { type: 'function', function: { name: 'read', description: 'Read a file' } },
        { type: 'function' },
      ],
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'fix the bug' },
      ],
    });
  });
});

describe('createProvider', () => {
  it('names exactly what to set when no key is configured', async () => {
    await expect(createProvider({ provider: 'openai', env: {} })).rejects.toThrow(
      new ConfigError(
        'No API key for openai: set OPENAI_API_KEY, or pass --base-url for a local OpenAI-compatible server (keys are optional there)',
      ),
    );
    await expect(createProvider({ provider: 'anthropic', env: {} })).rejects.toThrow(/set ANTHROPIC_API_KEY/);
  });

  it('talks to a local OpenAI-compatible server without any key', async () => {
    server = await startScriptedProvider(() => ({ text: 'local answer' }));
    const { provider, model } = await createProvider({ baseUrl: server.openaiBaseUrl, env: {} });
    expect((await provider.complete(modelRequest({ model }), {})).text).toBe('local answer');
    expect(server.requests[0]!.protocol).toBe('openai');
  });

  it('lets flags win over the environment, and falls back to default models', async () => {
    server = await startScriptedProvider(() => ({ text: 'ok' }));
    const configured = await createProvider({
      provider: 'anthropic',
      baseUrl: server.anthropicBaseUrl,
      apiKey: 'from-flag',
      env: { ANTHROPIC_API_KEY: 'from-env', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' },
    });
    expect(configured).toMatchObject({
      name: 'anthropic',
      model: 'claude-sonnet-5-5',
      baseUrl: server.anthropicBaseUrl,
    });
    await configured.provider.complete(modelRequest({ model: configured.model }), {});
    // Which auth header carries the key is the SDK's business; only the flag's key may be sent.
    const headers = JSON.stringify(server.requests[0]!.headers);
    expect(headers).toContain('from-flag');
    expect(headers).not.toContain('from-env');
  });

  it('picks the provider from the model name, then from what the environment configures', () => {
    expect(pickProvider({ env: { ANTHROPIC_API_KEY: 'k' } })).toBe('anthropic');
    expect(pickProvider({ env: { ANTHROPIC_API_KEY: 'k', OPENAI_API_KEY: 'k' } })).toBe('openai');
    expect(pickProvider({ env: { OPENAI_API_KEY: 'k' }, model: 'claude-haiku-4-5' })).toBe('anthropic');
    expect(pickProvider({ env: { ANTHROPIC_API_KEY: 'k' }, model: 'gpt-4.1-mini' })).toBe('openai');
    expect(pickProvider({ env: { ANTHROPIC_API_KEY: 'k' }, baseUrl: 'http://localhost:11434/v1' })).toBe(
      'openai',
    );
    expect(pickProvider({ env: {} })).toBe('openai');
  });
});

describe('model registry', () => {
  it('knows recent models, their dated snapshots, vendor prefixes and local tags', () => {
    expect(modelInfo('claude-sonnet-4-5-20250929')).toMatchObject({
      family: 'anthropic',
      contextWindow: 200_000,
      known: true,
    });
    expect(modelInfo('gpt-4o-mini-2024-07-18')).toMatchObject({ family: 'openai', contextWindow: 128_000 });
    expect(modelInfo('claude-sonnet-5-5')).toMatchObject({
      contextWindow: 1_000_000,
      maxOutputTokens: 128_000,
    });
    expect(modelInfo('gpt-4.1')).toMatchObject({ contextWindow: 1_047_576, maxOutputTokens: 32_768 });
    expect(modelInfo('openai/gpt-5-mini')).toMatchObject({ family: 'openai', contextWindow: 400_000 });
    expect(modelInfo('qwen2.5-coder:7b')).toMatchObject({
      family: 'open',
      contextWindow: 32_768,
      known: true,
    });
  });

  it('gives unknown models conservative limits, and overrides win', () => {
    expect(modelInfo('my-finetune')).toMatchObject({ ...UNKNOWN_MODEL_LIMITS, known: false });
    expect(modelInfo('gpt-5x-experimental').known).toBe(false);
    expect(modelInfo('gpt-5.9').known).toBe(false);
    expect(modelInfo('my-finetune', { contextWindow: 65_536 })).toMatchObject({
      contextWindow: 65_536,
      maxOutputTokens: 4_096,
    });
  });
});

describe('idle timeout defaults', () => {
  it("gives OpenAI's silently thinking models a long window on OpenAI's own endpoint only", () => {
    expect(defaultIdleTimeoutMs('gpt-5', undefined)).toBe(300_000);
    expect(defaultIdleTimeoutMs('o3', 'https://api.openai.com/v1')).toBe(300_000);
    // Chat models stream at once; any other server keeps the short default, so a stuck one fails fast.
    expect(defaultIdleTimeoutMs('gpt-5-chat-latest', undefined)).toBeUndefined();
    expect(defaultIdleTimeoutMs('gpt-4.1', undefined)).toBeUndefined();
    expect(defaultIdleTimeoutMs('gpt-5', 'http://localhost:8080/v1')).toBeUndefined();
  });
});

describe('backoff', () => {
  it('doubles per retry, keeps half the step fixed, and never exceeds the cap', () => {
    const low = () => 0;
    const high = () => 1;
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, 500, 30_000, low))).toEqual([
      250, 500, 1000, 2000,
    ]);
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, 500, 30_000, high))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect(backoffDelay(20, 500, 30_000, high)).toBe(30_000);
  });
});

describe('Anthropic thinking blocks', () => {
  const thinking = 'The test calls add(2, 3); I should read src/a.ts first.';

  it('streams thinking, keeps the signed block, and replays it so the next request is accepted', async () => {
    const provider = await connect('anthropic', (turn) =>
      turn.messages.some((m) => m.role === 'tool')
        ? { text: 'done' }
        : { thinking, toolCalls: [{ name: 'read', arguments: { path: 'src/a.ts' } }] },
    );
    const thoughts: string[] = [];
    const first = await provider.complete(modelRequest(), { onThinkingDelta: (text) => thoughts.push(text) });
    expect(thoughts.join('')).toBe(thinking);
    expect(first.reasoning).toHaveLength(1);
    expect(first.reasoning![0]!.data).toMatchObject({
      type: 'thinking',
      thinking,
      signature: expect.any(String),
    });

    const next: Message[] = [
      { role: 'user', content: 'fix the bug' },
      { role: 'assistant', content: first.text, toolCalls: first.toolCalls, reasoning: first.reasoning! },
      { role: 'tool', toolCallId: first.toolCalls[0]!.id, name: 'read', content: '1\tx', isError: false },
    ];
    expect((await provider.complete(modelRequest({ messages: next }), {})).text).toBe('done');
    expect(server.requests[1]!.messages[1]).toMatchObject({ role: 'assistant', reasoning: first.reasoning });

    // What the real API does when the block is dropped: the request is refused.
    const dropped = next.map((m) => (m.role === 'assistant' ? { ...m, reasoning: undefined } : m));
    const refused = await providerFailure(provider.complete(modelRequest({ messages: dropped }), {}));
    expect(refused.kind).toBe('bad_request');
    expect(refused.message).toMatch(/must start with a thinking block/);
  });

  it('replays reasoning only to the model that signed it', async () => {
    const provider = await connect('anthropic', () => ({ text: 'ok' }));
    const signedElsewhere: Message[] = [
      { role: 'user', content: 'fix the bug' },
      {
        role: 'assistant',
        content: 'Reading.',
        toolCalls: [{ id: 'toolu_1', name: 'read', arguments: '{}' }],
        reasoning: [
          {
            provider: 'anthropic',
            model: 'other-model',
            data: { type: 'thinking', thinking: 't', signature: 's' },
          },
        ],
      },
      { role: 'tool', toolCallId: 'toolu_1', name: 'read', content: 'x', isError: false },
    ];
    await provider.complete(modelRequest({ messages: signedElsewhere }), {});
    expect(server.requests[0]!.messages[1]).not.toHaveProperty('reasoning');
  });

  it('is ignored by OpenAI-compatible endpoints, which never send it', async () => {
    const provider = await connect('openai', () => ({ thinking, text: 'ok' }));
    const response = await provider.complete(modelRequest(), {});
    expect(response.text).toBe('ok');
    expect(response.reasoning).toBeUndefined();
  });
});

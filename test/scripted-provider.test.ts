import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { lastToolResult, lastUserText, scriptSequence } from './scripted-provider/script.js';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import type { Script } from './scripted-provider/types.js';

/**
 * The scripted provider checked with the official SDKs' own stream
 * accumulators, independent of this project's providers: if the SDKs
 * reassemble what it streams, its wire format is faithful.
 */

let server: ScriptedProvider;
afterEach(() => server.close());

const start = async (script: Script) => (server = await startScriptedProvider(script));
const openai = () => new OpenAI({ apiKey: 'test', baseURL: server.openaiBaseUrl, maxRetries: 0 });
const anthropic = () => new Anthropic({ apiKey: 'test', baseURL: server.anthropicBaseUrl, maxRetries: 0 });

const twoCalls = {
  text: 'Looking at both files now.',
  toolCalls: [
    { name: 'read', arguments: { path: 'src/a.ts' } },
    { name: 'search', arguments: { query: 'function add', limit: 5 } },
  ],
};

describe('OpenAI Chat Completions wire', () => {
  it('streams text and several tool calls that the SDK reassembles, with usage incl. cached tokens', async () => {
    await start(() => ({
      ...twoCalls,
      usage: { inputTokens: 1200, cacheReadTokens: 1000, outputTokens: 40 },
    }));
    const stream = openai().chat.completions.stream({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    stream.on('content', (delta) => deltas.push(delta));
    const completion = await stream.finalChatCompletion();

    const message = completion.choices[0]!.message;
    expect(message.content).toBe('Looking at both files now.');
    expect(deltas.length).toBeGreaterThan(1);
    expect(
      message.tool_calls?.map(
        (c) => c.type === 'function' && [c.function.name, JSON.parse(c.function.arguments)],
      ),
    ).toEqual([
      ['read', { path: 'src/a.ts' }],
      ['search', { query: 'function add', limit: 5 }],
    ]);
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 1200,
      completion_tokens: 40,
      prompt_tokens_details: { cached_tokens: 1000 },
    });
  });

  it('answers non-streaming requests as a chat.completion object', async () => {
    await start(() => ({ text: 'plain' }));
    const completion = await openai().chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.choices[0]!.message.content).toBe('plain');
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
  });

  it('hands the script the conversation in neutral form, tool names resolved', async () => {
    await start(() => ({ text: 'ok' }));
    await openai().chat.completions.create({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'fix it' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read', arguments: '{"path":"a"}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'file body' },
      ],
      tools: [{ type: 'function', function: { name: 'read', parameters: { type: 'object' } } }],
    });
    const turn = server.requests[0]!;
    expect(turn).toMatchObject({
      protocol: 'openai',
      model: 'gpt-test',
      system: 'be brief',
      tools: ['read'],
      stream: false,
    });
    expect(lastUserText(turn)).toBe('fix it');
    expect(lastToolResult(turn)).toEqual({
      role: 'tool',
      toolCallId: 'c1',
      name: 'read',
      content: 'file body',
      isError: false,
    });
    expect(turn.headers.authorization).toBe('Bearer test');
  });

  it('answers faults in OpenAI error shapes', async () => {
    await start(scriptSequence({ fault: '429', retryAfterSeconds: 7 }, { fault: 'context_length' }));
    const request = () =>
      openai().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    const rateLimited = await request().catch((e: unknown) => e);
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((rateLimited as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');
    const tooLong = await request().catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect(tooLong).toMatchObject({ code: 'context_length_exceeded', type: 'invalid_request_error' });
  });
});

describe('Anthropic Messages wire', () => {
  it('streams text and several tool_use blocks that the SDK reassembles, with cache usage', async () => {
    await start(() => ({
      ...twoCalls,
      usage: { inputTokens: 1200, cacheReadTokens: 900, cacheWriteTokens: 100 },
    }));
    const stream = anthropic().messages.stream({
      model: 'claude-test',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const message = await stream.finalMessage();

    expect(
      message.content.map((b) =>
        b.type === 'text' ? b.text : b.type === 'tool_use' ? [b.name, b.input] : b.type,
      ),
    ).toEqual([
      'Looking at both files now.',
      ['read', { path: 'src/a.ts' }],
      ['search', { query: 'function add', limit: 5 }],
    ]);
    expect(deltas.length).toBeGreaterThan(1);
    expect(message.stop_reason).toBe('tool_use');
    // Anthropic reports uncached input separately from cache reads and writes.
    expect(message.usage).toMatchObject({
      input_tokens: 200,
      cache_read_input_tokens: 900,
      cache_creation_input_tokens: 100,
    });
  });

  it('turns tool_result blocks into neutral tool results, errors flagged', async () => {
    await start(() => ({ text: 'ok' }));
    await anthropic().messages.create({
      model: 'claude-test',
      max_tokens: 10,
      system: [{ type: 'text', text: 'be brief' }],
      messages: [
        { role: 'user', content: 'fix it' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 't1', name: 'terminal', input: { command: 'false' } }],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't1', content: 'exit 1', is_error: true }],
        },
      ],
    });
    const turn = server.requests[0]!;
    expect(turn).toMatchObject({ protocol: 'anthropic', system: 'be brief' });
    expect(turn.messages[1]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 't1', name: 'terminal', arguments: '{"command":"false"}' }],
    });
    expect(lastToolResult(turn)).toMatchObject({ name: 'terminal', content: 'exit 1', isError: true });
  });

  it('answers faults in Anthropic error shapes', async () => {
    await start(scriptSequence({ fault: '529' }, { fault: 'context_length' }, { fault: '500' }));
    const request = () =>
      anthropic().messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(await request().catch((e: unknown) => e)).toMatchObject({ status: 529, type: 'overloaded_error' });
    const tooLong = await request().catch((e: unknown) => e);
    expect(tooLong).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect(String(tooLong)).toMatch(/prompt is too long: \d+ tokens > \d+ maximum/);
    expect(await request().catch((e: unknown) => e)).toMatchObject({ status: 500, type: 'api_error' });
  });
});

describe('faults and scripts', () => {
  it('cuts a stream midway so the SDK fails instead of completing', async () => {
    await start(() => ({ fault: 'drop', afterChunks: 3, text: 'this reply never finishes' }));
    const stream = anthropic().messages.stream({
      model: 'm',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
    });
    await expect(stream.finalMessage()).rejects.toThrow();
  });

  it('answers a request beyond the end of a sequence with a clear error', async () => {
    await start(scriptSequence({ text: 'only one' }));
    const request = () =>
      openai().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    await request();
    await expect(request()).rejects.toThrow(/script exhausted: no reply left for request #1/);
  });

  it('sends string tool arguments verbatim, malformed or not', async () => {
    await start(() => ({ toolCalls: [{ name: 'edit', arguments: '{"path": "a.ts", ' }] }));
    const completion = await openai()
      .chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .finalChatCompletion();
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.arguments).toBe('{"path": "a.ts", ');
  });
});

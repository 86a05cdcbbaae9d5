import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent, PermissionMode } from '../src/core/events.js';
import { createProvider } from '../src/providers/factory.js';
import { priceOf } from '../src/providers/prices.js';
import { modelInfo } from '../src/providers/models.js';
import { createAgent } from '../src/runtime/agent.js';
import type { AgentSession, StampedEvent } from '../src/runtime/protocol.js';
import {
  agentTurns,
  isSummaryRequest,
  lastToolResult,
  lastUserText,
  withSummaries,
} from './scripted-provider/script.js';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import type { Script } from './scripted-provider/types.js';

let server: ScriptedProvider | undefined;
const agents: AgentSession[] = [];
beforeAll(() => {
  process.env.AGENT_CACHE_DIR = mkdtempSync(path.join(tmpdir(), 'agent-cache-'));
  // Checkpoints (the rewind test) and anything else kept per repository stay out of the real state directory.
  process.env.XDG_STATE_HOME = mkdtempSync(path.join(tmpdir(), 'agent-state-'));
});
afterEach(async () => {
  for (const agent of agents.splice(0)) {
    agent.submit({ type: 'shutdown' });
    await agent.done;
  }
  await server?.close();
  server = undefined;
});

interface Started {
  agent: AgentSession;
  events: StampedEvent[];
  /** Resolves with the next event (from now on) that matches. */
  next: <T extends AgentEvent['type']>(type: T) => Promise<Extract<StampedEvent, { type: T }>>;
  dir: string;
}

async function start(
  script: Script,
  options: {
    mode?: PermissionMode;
    interactive?: boolean;
    files?: Record<string, string>;
    checkpoints?: boolean;
  } = {},
): Promise<Started> {
  server = await startScriptedProvider(script);
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-runtime-'));
  for (const [name, content] of Object.entries(options.files ?? {}))
    writeFileSync(path.join(dir, name), content);
  const { provider } = await createProvider({
    provider: 'openai',
    baseUrl: server.openaiBaseUrl,
    apiKey: 'k',
    env: {},
  });
  const agent = await createAgent({
    cwd: dir,
    connection: {
      provider: () => provider,
      models: { main: 'gpt-5' },
      model: modelInfo('gpt-5'),
      maxOutputTokens: 1000,
      price: (model) => priceOf(model),
    },
    sandbox: { kind: 'none' },
    mode: options.mode ?? 'auto-edit',
    maxTurns: 10,
    interactive: options.interactive ?? true,
    ...(options.checkpoints && { checkpoints: true }),
  });
  agents.push(agent);
  const events: StampedEvent[] = [];
  const waiters: { type: string; resolve: (event: StampedEvent) => void }[] = [];
  agent.subscribe((event) => {
    events.push(event);
    for (const waiter of waiters.filter((w) => w.type === event.type)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  });
  const next = <T extends AgentEvent['type']>(type: T) =>
    new Promise<Extract<StampedEvent, { type: T }>>((resolve) =>
      waiters.push({ type, resolve: resolve as (event: StampedEvent) => void }),
    );
  return { agent, events, next, dir };
}

const userTexts = (turn: { messages: { role: string; content: string }[] }) =>
  turn.messages.filter((m) => m.role === 'user').map((m) => m.content);

describe('the session runtime', () => {
  it('keeps the conversation across messages: a follow-up sees the first exchange', async () => {
    const { agent, next, events } = await start((turn) => ({ text: `answer ${turn.index}` }));
    agent.submit({ type: 'user_message', text: 'first question' });
    expect(await next('idle')).toMatchObject({ status: 'success', text: 'answer 0' });
    agent.submit({ type: 'user_message', text: 'follow-up' });
    expect(await next('idle')).toMatchObject({ status: 'success', text: 'answer 1' });

    const second = server!.requests[1]!;
    expect(second.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'first question'],
      ['assistant', 'answer 0'],
      ['user', 'follow-up'],
    ]);
    agent.submit({ type: 'shutdown' });
    const result = await agent.done;
    expect(result).toMatchObject({ status: 'success', turns: 2, text: 'answer 1' });
    // Every event is stamped, in order, and the result is the last one.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'result' });
    // Everything a model turn produced says which turn it belongs to.
    expect(events.find((e) => e.type === 'assistant_message')).toMatchObject({ in_turn: 1 });
    expect(events.filter((e) => e.type === 'assistant_message').map((e) => e.in_turn)).toEqual([1, 2]);
    expect(events.find((e) => e.type === 'idle')?.in_turn).toBeUndefined();
    expect(events[0]).toMatchObject({
      type: 'session_start',
      permission_mode: 'auto-edit',
      context_window: expect.any(Number),
    });
  });

  it('delivers a message sent while a turn runs at the next turn boundary, never losing it', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const { agent, next } = await start(
      async (turn) => {
        if (turn.index === 0) {
          await held;
          return { toolCalls: [{ name: 'read', arguments: { path: 'a.txt' } }] };
        }
        return { text: `saw: ${userTexts(turn).join(' | ')}` };
      },
      { files: { 'a.txt': 'hello\n' } },
    );
    agent.submit({ type: 'user_message', text: 'read a.txt' });
    await next('turn_start');
    agent.submit({ type: 'user_message', text: 'and then say hi' });
    release();
    const idle = await next('idle');
    expect(idle).toMatchObject({ status: 'success', text: 'saw: read a.txt | and then say hi' });
    // The queued message follows the tool result, so the call is still answered first.
    expect(server!.requests[1]!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
  });

  it('interrupt ends the running call and the turn, and the session takes the next message', async () => {
    const { agent, next, events } = await start(
      (turn) => {
        if (turn.index === 0)
          return { toolCalls: [{ name: 'terminal', arguments: { command: 'sleep 30' } }] };
        return { text: `after: ${lastToolResult(turn)?.content.slice(0, 60)}` };
      },
      { mode: 'yolo' },
    );
    agent.submit({ type: 'user_message', text: 'wait' });
    await next('tool_call_start');
    agent.submit({ type: 'interrupt' });
    expect(await next('idle')).toMatchObject({ status: 'interrupted' });
    const ended = events.find((e) => e.type === 'tool_call_end');
    expect(ended).toMatchObject({ is_error: true, output: expect.stringMatching(/interrupted/) });

    agent.submit({ type: 'user_message', text: 'carry on' });
    const idle = await next('idle');
    expect(idle).toMatchObject({ status: 'success' });
    // The interrupted call was answered in the history, as providers require.
    expect(idle.text).toMatch(/^after: .*interrupted/s);
  });

  it('interrupt gives back the messages queued behind the turn, unsent, instead of sending them at once', async () => {
    const { agent, next, events } = await start(
      (turn) => {
        if (turn.index === 0)
          return { toolCalls: [{ name: 'terminal', arguments: { command: 'sleep 30' } }] };
        return { text: `saw: ${userTexts(turn).join(' | ')}` };
      },
      { mode: 'yolo' },
    );
    agent.submit({ type: 'user_message', text: 'wait' });
    await next('tool_call_start');
    agent.submit({ type: 'user_message', text: 'also this' });
    const unsent = next('unsent');
    agent.submit({ type: 'interrupt' });
    expect(await unsent).toMatchObject({ texts: ['also this'] });
    expect(await next('idle')).toMatchObject({ status: 'interrupted' });

    agent.submit({ type: 'user_message', text: 'something else' });
    expect(await next('idle')).toMatchObject({ status: 'success', text: 'saw: wait | something else' });
    expect(events.filter((e) => e.type === 'user_message').map((e) => e.text)).toEqual([
      'wait',
      'something else',
    ]);
  });

  it('says which @mentioned files went to the model, and why the others did not', async () => {
    const { agent, next, events } = await start((turn) => ({ text: `got ${lastUserText(turn)?.length}` }), {
      files: { 'a.txt': 'one\ntwo\n' },
    });
    agent.submit({ type: 'user_message', text: 'compare @a.txt with @nope.txt and @../etc/passwd' });
    await next('idle');
    const notices = events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
    expect(notices).toContain('attached a.txt (2 lines)');
    expect(notices).toContainEqual(
      expect.stringMatching(/^not attached: @nope\.txt: nope\.txt does not exist/),
    );
    expect(notices).toContainEqual(expect.stringMatching(/^not attached: @\.\.\/etc\/passwd: .*outside/));
    expect(lastUserText(server!.requests[0]!)).not.toContain('root:');
  });

  it('in ask mode shows the diff, honours "no" with a note, and "always" for the rest of the session', async () => {
    const write = (file: string) => ({
      toolCalls: [{ name: 'write', arguments: { path: file, content: 'new\n' } }],
    });
    const { agent, events, next, dir } = await start(
      (turn) => [write('a.txt'), write('b.txt'), write('c.txt'), { text: 'done' }][turn.index]!,
      { mode: 'ask' },
    );
    agent.subscribe((event) => {
      if (event.type !== 'approval_request') return;
      const first = events.filter((e) => e.type === 'approval_request').length === 1;
      agent.submit(
        first
          ? { type: 'approval', id: event.id, decision: 'no', note: 'write b.txt instead' }
          : { type: 'approval', id: event.id, decision: 'always' },
      );
    });
    agent.submit({ type: 'user_message', text: 'write files' });
    expect(await next('idle')).toMatchObject({ status: 'success' });

    const requests = events.filter((e) => e.type === 'approval_request');
    expect(requests).toHaveLength(2); // a.txt (no), b.txt (always); c.txt was covered by "always"
    expect(requests[0]).toMatchObject({
      action: 'edit',
      title: 'write a.txt',
      detail: expect.stringMatching(/\+new/),
    });
    expect(existsSync(path.join(dir, 'a.txt'))).toBe(false);
    expect(readFileSync(path.join(dir, 'b.txt'), 'utf8')).toBe('new\n');
    expect(readFileSync(path.join(dir, 'c.txt'), 'utf8')).toBe('new\n');
    const refusal = server!.requests[1]!.messages.at(-1)!;
    expect(refusal).toMatchObject({
      role: 'tool',
      content: expect.stringMatching(/declined.*write b\.txt instead/s),
    });
    const results = events.filter((e) => e.type === 'approval_result');
    expect(results.map((e) => [e.approved, e.scope, e.by])).toEqual([
      [false, 'once', 'user'],
      [true, 'session', 'user'],
    ]);
    // A successful write carries its diff for the screen.
    expect(events.find((e) => e.type === 'tool_call_end' && !e.is_error)).toMatchObject({
      detail: { kind: 'diff', path: 'b.txt', added: 1, removed: 0 },
    });
  });

  it('plan mode changes nothing; print mode refuses what would need an answer, and the model is told why', async () => {
    const writeCall = { toolCalls: [{ name: 'write', arguments: { path: 'x.txt', content: 'x\n' } }] };
    const planned = await start((turn) => (turn.index === 0 ? writeCall : { text: 'ok' }), { mode: 'plan' });
    planned.agent.submit({ type: 'user_message', text: 'go' });
    await planned.next('idle');
    expect(server!.requests[1]!.messages.at(-1)!.content).toMatch(/plan mode/);
    expect(existsSync(path.join(planned.dir, 'x.txt'))).toBe(false);
    await server!.close();

    const printed = await start((turn) => (turn.index === 0 ? writeCall : { text: 'ok' }), {
      mode: 'ask',
      interactive: false,
    });
    printed.agent.submit({ type: 'user_message', text: 'go' });
    await printed.next('idle');
    expect(server!.requests[1]!.messages.at(-1)!.content).toMatch(/print mode never asks/);
    expect(printed.events.some((e) => e.type === 'approval_request')).toBe(false);
    expect(existsSync(path.join(printed.dir, 'x.txt'))).toBe(false);
  });

  it('switches model and mode for the next calls, and clear starts a new conversation', async () => {
    const { agent, next } = await start((turn) => ({
      text: `${turn.model}: ${userTexts(turn).join(' | ')}`,
    }));
    agent.submit({ type: 'user_message', text: 'one' });
    await next('idle');
    agent.submit({ type: 'set_model', model: 'gpt-5-mini' });
    const changed = next('mode_changed');
    agent.submit({ type: 'set_mode', mode: 'plan' });
    expect(await changed).toMatchObject({ mode: 'plan' });
    agent.submit({ type: 'user_message', text: 'two' });
    expect(await next('idle')).toMatchObject({ text: 'gpt-5-mini: one | two' });
    agent.submit({ type: 'clear' });
    agent.submit({ type: 'user_message', text: 'three' });
    expect(await next('idle')).toMatchObject({ text: 'gpt-5-mini: three' });
  });

  it('compacts on request (the /compact operation) before the next model call, with the model writing the summary', async () => {
    const { agent, next, events } = await start(
      withSummaries((turn) => {
        const reads = turn.messages.filter((m) => m.role === 'tool').length;
        return reads < 3
          ? { toolCalls: [{ name: 'read', arguments: { path: 'notes.txt', offset: reads + 1 } }] }
          : { text: 'done' };
      }, '## Task\nRead the notes three times.'),
      { files: { 'notes.txt': 'a fairly long line of notes\n'.repeat(400) } },
    );
    agent.subscribe((event) => {
      // The user asks for compaction while the third turn's tools run.
      if (event.type === 'tool_call_start' && events.filter((e) => e.type === 'tool_call_start').length === 3)
        agent.submit({ type: 'compact' });
    });
    agent.submit({ type: 'user_message', text: 'read the notes' });
    expect(await next('idle')).toMatchObject({ status: 'success' });
    const compactions = events.filter((e) => e.type === 'compaction');
    expect(compactions).toHaveLength(1);
    expect(compactions[0]!.tokens_after).toBeLessThan(compactions[0]!.tokens_before);
    const turns = agentTurns(server!.requests);
    expect(server!.requests.filter(isSummaryRequest).length).toBeGreaterThan(0);
    const last = turns.at(-1)!;
    expect(JSON.stringify(last.body).length).toBeLessThan(JSON.stringify(turns.at(-2)!.body).length);
    expect(last.messages[0]).toMatchObject({ role: 'user', content: 'read the notes' });
  });

  it('compacts at once on /compact between turns, and says so when there is nothing to compact', async () => {
    const { agent, next, events } = await start(
      withSummaries((turn) => {
        if (lastUserText(turn) === 'go on') return { text: 'continuing' };
        const reads = turn.messages.filter((m) => m.role === 'tool').length;
        return reads < 3
          ? { toolCalls: [{ name: 'read', arguments: { path: 'notes.txt', offset: reads + 1 } }] }
          : { text: 'done' };
      }, '## Task\nRead the notes three times.'),
      { files: { 'notes.txt': 'a fairly long line of notes\n'.repeat(400) } },
    );
    agent.submit({ type: 'compact' });
    await next('idle');
    expect(events.some((e) => e.type === 'notice' && /nothing to compact/.test(e.message))).toBe(true);

    agent.submit({ type: 'user_message', text: 'read the notes' });
    await next('idle');
    const before = server!.requests.length;
    agent.submit({ type: 'compact' });
    await next('idle');
    // Done before any message follows: the summary was asked for, and the conversation is shorter now.
    expect(server!.requests.slice(before).map(isSummaryRequest)).toEqual([true]);
    const compaction = events.find((e) => e.type === 'compaction');
    expect(compaction!.tokens_after).toBeLessThan(compaction!.tokens_before);

    agent.submit({ type: 'user_message', text: 'go on' });
    expect(await next('idle')).toMatchObject({ text: 'continuing' });
    const [previous, last] = agentTurns(server!.requests).slice(-2);
    expect(JSON.stringify(last!.body).length).toBeLessThan(JSON.stringify(previous!.body).length);
  });

  it('nudges a model that ends with an empty reply instead of ending with nothing', async () => {
    const { agent, next, events } = await start((turn) =>
      turn.index === 0 ? { text: '' } : { text: 'All done.' },
    );
    agent.submit({ type: 'user_message', text: 'check' });
    expect(await next('idle')).toMatchObject({ status: 'success', text: 'All done.' });
    expect(server!.requests[1]!.messages.at(-1)).toMatchObject({
      role: 'user',
      content: expect.stringMatching(/empty/),
    });
    expect(events.some((e) => e.type === 'notice' && /empty/.test(e.message))).toBe(true);
  });

  it('shutdown in the middle of a turn ends the session as interrupted, with every call answered', async () => {
    const { agent, next } = await start(
      () => ({ toolCalls: [{ name: 'terminal', arguments: { command: 'sleep 30' } }] }),
      { mode: 'yolo' },
    );
    agent.submit({ type: 'user_message', text: 'wait' });
    await next('tool_call_start');
    agent.submit({ type: 'shutdown' });
    expect(await agent.done).toMatchObject({ status: 'interrupted', is_error: true });
  });

  it('rewinds the conversation, the files, or both, to before a turn', async () => {
    const { agent, next, dir } = await start(
      (turn) => {
        const said = lastUserText(turn);
        if (said === 'change a' && !lastToolResult(turn))
          return { toolCalls: [{ name: 'write', arguments: { path: 'a.txt', content: 'two\n' } }] };
        return { text: `answer to ${said}` };
      },
      { files: { 'a.txt': 'one\n' }, checkpoints: true },
    );
    const say = async (text: string) => {
      agent.submit({ type: 'user_message', text });
      await next('idle');
    };
    await say('hello');
    await say('change a');
    await say('and more');
    expect(readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('two\n');

    // The conversation only: back to before turn 3; the file keeps turn 2's change.
    agent.submit({ type: 'rewind', turn: 3, scope: 'conversation' });
    expect(await next('rewound')).toMatchObject({ turn: 3 });
    await say('after the first rewind');
    expect(userTexts(server!.requests.at(-1)!)).toEqual(['hello', 'change a', 'after the first rewind']);
    expect(readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('two\n');

    // Both, to before turn 2: the file as it was, and the conversation with only the first exchange.
    const restored = next('restore');
    const rewound = next('rewound');
    agent.submit({ type: 'rewind', turn: 2, scope: 'both' });
    expect(await restored).toMatchObject({ status: 'restored', restored: ['a.txt'] });
    expect(await rewound).toMatchObject({ turn: 2 });
    expect(readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('one\n');
    await say('start over');
    expect(userTexts(server!.requests.at(-1)!)).toEqual(['hello', 'start over']);
  });
});

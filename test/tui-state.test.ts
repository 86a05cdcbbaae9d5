import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../src/core/events.js';
import { initialState, reduce, type TuiAction, type TuiState } from '../src/tui/transcript-state.js';

const usage = (input: number, output: number, cacheRead = 0) => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_tokens: cacheRead,
  cache_write_tokens: 0,
});

let seq = 0;
const ev = (event: AgentEvent, ts = 1_000): TuiAction => ({
  type: 'event',
  event: { ...event, seq: seq++, ts },
});
const run = (...actions: TuiAction[]): TuiState => actions.reduce(reduce, initialState());
const start = (extra: Record<string, unknown> = {}): TuiAction =>
  ev({
    type: 'session_start',
    session_id: 's',
    cwd: '/w',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    sandbox: 'docker',
    tools: [],
    ...extra,
  } as AgentEvent);

describe('transcript reducer', () => {
  it("draws a resumed session's history as finished items, a call cut off by a kill included, and stays idle", () => {
    const state = run(
      start(),
      ev({
        type: 'history',
        events: [
          { type: 'user_message', text: 'fix it' },
          {
            type: 'tool_call_start',
            id: 'c1',
            name: 'terminal',
            arguments: '{}',
            display: { title: 'npm test', kind: 'execute' },
          },
        ],
      }),
    );
    expect(state.items.map((item) => item.kind)).toEqual(['user', 'tool']);
    expect(state.items[1]).toMatchObject({ call: { title: 'npm test', state: 'error', summary: 'cut off' } });
    expect(state.running).toEqual([]);
    expect(state.status.busySince).toBeUndefined();
  });

  it('streams text live and moves the complete message to the finished items', () => {
    const streaming = run(
      ev({ type: 'assistant_delta', text: '# Plan\n' }),
      ev({ type: 'assistant_delta', text: 'one' }),
    );
    expect(streaming.streaming).toBe('# Plan\none');
    expect(streaming.items).toEqual([]);
    const done = reduce(streaming, ev({ type: 'assistant_message', text: '# Plan\none', tool_calls: [] }));
    expect(done.streaming).toBe('');
    expect(done.items).toEqual([{ kind: 'assistant', key: 0, text: '# Plan\none' }]);
  });

  it('collapses reasoning into one item when the model moves on, and a retry voids what streamed', () => {
    const state = run(
      ev({ type: 'thinking_delta', text: 'look at the tests\nthen' }),
      ev({ type: 'assistant_delta', text: 'stale' }),
      ev({ type: 'retry', attempt: 1, delay_ms: 1500, reason: 'overloaded' }),
    );
    expect(state.items.map((i) => i.kind)).toEqual(['thinking', 'notice']);
    expect(state.items[1]).toMatchObject({ tone: 'warn', text: 'overloaded; retrying in 1.5 s' });
    expect(state.streaming).toBe('');
  });

  it('follows a tool call from start to end: display title (or name and arguments), live tail, summary', () => {
    const running = run(
      ev(
        {
          type: 'tool_call_start',
          id: 'c1',
          name: 'terminal',
          arguments: '{"command":"npm test"}',
          display: { title: 'terminal npm test', kind: 'execute' },
        },
        5_000,
      ),
      ev({ type: 'tool_call_start', id: 'c2', name: 'read', arguments: '{"path": "a.ts"}' }),
      ev({ type: 'tool_output', id: 'c1', chunk: 'x'.repeat(5_000) + '\nlast line' }),
    );
    expect(running.running.map((c) => c.title)).toEqual(['terminal npm test', 'read {"path": "a.ts"}']);
    expect(running.running[0]!.startedAt).toBe(5_000);
    expect(running.running[0]!.tail.length).toBeLessThanOrEqual(2_000);
    expect(running.running[0]!.tail.endsWith('last line')).toBe(true);

    const ended = reduce(
      running,
      ev({
        type: 'tool_call_end',
        id: 'c1',
        name: 'terminal',
        is_error: true,
        output: '...',
        duration_ms: 1234,
        detail: {
          kind: 'command',
          command: 'npm test',
          exit_code: 1,
          timed_out: false,
          output_tail: 'a\nb\nFAIL\n',
        },
      }),
    );
    expect(ended.running.map((c) => c.id)).toEqual(['c2']);
    expect(ended.items).toEqual([
      {
        kind: 'tool',
        key: 0,
        call: expect.objectContaining({
          title: 'terminal npm test',
          state: 'error',
          durationMs: 1234,
          summary: 'exit 1 · 3 lines',
          tail: 'a\nb\nFAIL\n',
        }),
      },
    ]);
  });

  it('summarises edits, searches and failed calls without detail', () => {
    const end = (id: string, extra: Partial<Extract<AgentEvent, { type: 'tool_call_end' }>>) =>
      ev({ type: 'tool_call_end', id, name: 'x', is_error: false, output: '', duration_ms: 1, ...extra });
    const state = run(
      end('a', { detail: { kind: 'diff', path: 'a.ts', diff: '', added: 3, removed: 1 } }),
      end('b', { detail: { kind: 'matches', count: 7 } }),
      end('c', { is_error: true, output: '\nfile not found: b.ts\nmore' }),
    );
    expect(state.items.map((i) => (i.kind === 'tool' ? i.call.summary : ''))).toEqual([
      '+3 −1',
      '7 matches',
      'file not found: b.ts',
    ]);
  });

  it('shows a sent message as queued until the runtime delivers it, oldest first', () => {
    let state = run({ type: 'queued', text: 'first' }, { type: 'queued', text: 'second' });
    expect(state.queued).toEqual(['first', 'second']);
    state = reduce(state, ev({ type: 'user_message', text: 'second' }));
    expect(state.queued).toEqual(['first']);
    // An echo that differs from the typed text (expanded mentions) settles the oldest.
    state = reduce(state, ev({ type: 'user_message', text: 'first, with @a.ts expanded' }));
    expect(state.queued).toEqual([]);
    expect(state.items.map((i) => i.kind === 'user' && i.text)).toEqual([
      'second',
      'first, with @a.ts expanded',
    ]);
  });

  it('keeps approvals pending until answered, notes the answer, and turns the network on for the session', () => {
    let state = run(
      start(),
      ev({
        type: 'approval_request',
        id: 'p1',
        action: 'network',
        title: 'npm install',
        detail: 'npm install',
      }),
    );
    expect(state.approvals).toHaveLength(1);
    state = reduce(
      state,
      ev({ type: 'approval_result', id: 'p1', approved: true, scope: 'session', by: 'user' }),
    );
    expect(state.approvals).toEqual([]);
    expect(state.status.network).toBe(true);
    expect(state.items.at(-1)).toMatchObject({ kind: 'notice', text: 'always allowed: npm install' });
    state = reduce(
      state,
      ev({ type: 'approval_request', id: 'p2', action: 'edit', title: 'edit a.ts', detail: '' }),
    );
    state = reduce(
      state,
      ev({ type: 'approval_result', id: 'p2', approved: false, scope: 'once', by: 'user', note: 'use b.ts' }),
    );
    expect(state.items.at(-1)).toMatchObject({ tone: 'warn', text: 'refused: edit a.ts — “use b.ts”' });
  });

  it('tracks model, mode, context window (from session_start when given), usage, cost and route', () => {
    let state = run(start({ context_window: 100_000, permission_mode: 'ask' }));
    expect(state.status).toMatchObject({
      model: 'claude-sonnet-4-5',
      mode: 'ask',
      sandbox: 'docker',
      contextWindow: 100_000,
    });
    // The session prices the calls (src/providers/prices.ts); the screen shows its total.
    const priced = () => ({ ...usage(1_000_000, 0, 500_000), cost_usd: 1.65 });
    const pricedCall = () => ev({ type: 'usage', turn: priced(), total: priced() });
    state = reduce(state, pricedCall());
    expect(state.status.cost).toBeCloseTo(1.65);
    // A compaction summary's call adds to the totals but says nothing about how full the context is.
    state = reduce(
      state,
      ev({ type: 'usage', turn: usage(5, 5), total: usage(1_000_005, 5), summary: true }),
    );
    expect(state.status).toMatchObject({ contextUsed: 1_000_000, cost: null });
    state = reduce(state, pricedCall());
    state = reduce(state, ev({ type: 'route', model: 'claude-haiku-4-5', reason: 'routine' }));
    expect(state.status).toMatchObject({ model: 'claude-haiku-4-5', routeReason: 'routine' });
    expect(state.status.contextUsed).toBe(1_000_000);
    state = reduce(state, ev({ type: 'model_changed', model: 'gpt-4o' }));
    expect(state.status.contextWindow).toBe(128_000);
    state = reduce(state, ev({ type: 'mode_changed', mode: 'plan' }));
    state = reduce(state, ev({ type: 'model_changed', model: 'some-local-model' }));
    state = reduce(state, ev({ type: 'usage', turn: usage(10, 10), total: usage(1_000_010, 10) }));
    expect(state.status).toMatchObject({ mode: 'plan', cost: null, contextUsed: 20 });
    // Without context_window the model registry's window applies.
    expect(run(start()).status.contextWindow).toBe(200_000);
  });

  it('says why the session stopped when the budget ran out', () => {
    const state = run(
      ev({ type: 'turn_start', turn: 1, model: 'm' }),
      ev({ type: 'idle', status: 'budget', text: '', error: 'stopped before turn 2: over the budget of $1' }),
    );
    expect(state.items.at(-1)).toMatchObject({
      kind: 'notice',
      tone: 'error',
      text: 'stopped (budget): stopped before turn 2: over the budget of $1',
    });
  });

  it('shows a --git-commit commit as a quiet line', () => {
    const state = run(
      ev({
        type: 'git_commit',
        sha: '0123456789abcdef0123456789abcdef01234567',
        branch: 'main',
        subject: 'agent: fix add',
        files: ['src/math.js', 'gen.txt'],
      }),
    );
    expect(state.items).toEqual([
      { kind: 'notice', key: 0, tone: 'info', text: 'committed 0123456 on main: agent: fix add (2 files)' },
    ]);
  });

  it('is busy from the first turn until idle, and an interrupted turn keeps its streamed words', () => {
    let state = run(
      ev({ type: 'turn_start', turn: 1, model: 'm' }, 2_000),
      ev({ type: 'assistant_delta', text: 'half a sen' }),
    );
    expect(state.status.busySince).toBe(2_000);
    state = reduce(state, ev({ type: 'idle', status: 'interrupted', text: '' }));
    expect(state.status.busySince).toBeUndefined();
    expect(state.items.map((i) => (i.kind === 'notice' || i.kind === 'assistant' ? i.text : i.kind))).toEqual(
      ['half a sen', 'interrupted'],
    );
  });

  it('reads the sandbox state and compaction as quiet status', () => {
    const state = run(
      ev({ type: 'sandbox_state', state: 'starting', network: false } as unknown as AgentEvent),
      ev({ type: 'setup_output', chunk: 'npm ci\n' }),
      ev({ type: 'compaction', tokens_before: 9000, tokens_after: 2000, strategy: 'summary' }),
    );
    expect(state.status.sandboxState).toBe('starting');
    expect(state.setupTail).toBe('npm ci\n');
    expect(state.status.contextUsed).toBe(2000);
    expect(state.items.at(-1)).toMatchObject({ text: 'context compacted: 9000 → 2000 tokens (summary)' });
  });
});

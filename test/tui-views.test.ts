import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import type { Operation } from '../src/runtime/protocol.js';
import { ApprovalPrompt } from '../src/tui/components/ApprovalPrompt.js';
import { DiffView } from '../src/tui/components/DiffView.js';
import { StatusLine } from '../src/tui/components/StatusLine.js';
import { ToolLine } from '../src/tui/components/ToolLine.js';
import { TranscriptItemView } from '../src/tui/components/TranscriptItemView.js';
import { initialState, type ToolCallView, type TuiState } from '../src/tui/transcript-state.js';
import { waitFor } from './support/ink.js';
import { loadMarkdown } from '../src/tui/markdown.js';

// The renderer loads in the background in a real session; these tests look at rendered markdown.
beforeAll(() => loadMarkdown());

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());
function show(element: Parameters<typeof render>[0]) {
  const view = render(element);
  unmount = view.unmount;
  return view;
}
const frame = (element: Parameters<typeof render>[0]) => show(element).lastFrame() ?? '';

const EDIT_DIFF = [
  '--- a/src/stats.js',
  '+++ b/src/stats.js',
  '@@ -9,3 +9,3 @@',
  ' function mean(xs) {',
  '-  return sum(xs) / xs.lenght;',
  '+  return sum(xs) / xs.length;',
  ' }',
  '',
].join('\n');

const call = (extra: Partial<ToolCallView>): ToolCallView => ({
  id: 'c',
  title: 'terminal npm test',
  startedAt: 0,
  state: 'running',
  tail: '',
  ...extra,
});

describe('tool line', () => {
  it('runs with a spinner, its elapsed time and the last lines of output', () => {
    const out = frame(
      h(ToolLine, {
        call: call({ tail: 'l1\nl2\nl3\nl4\n\x1b[31ml5\x1b[0m\n50%\r100%\n' }),
        now: 12_400,
        frame: 1,
      }),
    );
    expect(out.split('\n')).toEqual(['⠙ terminal npm test  12 s', '  l3', '  l4', '  l5', '  100%']);
  });

  it('ends as ✓ with duration and summary, output collapsed', () => {
    const out = frame(
      h(ToolLine, {
        call: call({
          state: 'ok',
          durationMs: 2300,
          summary: 'exit 0 · 12 lines',
          tail: 'many\nlines',
          detail: {
            kind: 'command',
            command: 'npm test',
            exit_code: 0,
            timed_out: false,
            output_tail: 'many\nlines',
          },
        }),
      }),
    );
    expect(out).toBe('✓ terminal npm test 2.3 s · exit 0 · 12 lines');
  });

  it('ends as ✗ keeping the last lines of a failed command', () => {
    const out = frame(
      h(ToolLine, {
        call: call({
          state: 'error',
          durationMs: 40,
          summary: 'exit 1 · 4 lines',
          tail: 'a\nb\nc\nFAIL x',
          detail: { kind: 'command', command: 'npm test', exit_code: 1, timed_out: false, output_tail: '' },
        }),
      }),
    );
    expect(out.split('\n')).toEqual([
      '✗ terminal npm test 40 ms · exit 1 · 4 lines',
      '  b',
      '  c',
      '  FAIL x',
    ]);
  });

  it('shows an edit with its diff', () => {
    const out = frame(
      h(ToolLine, {
        call: call({
          title: 'edit src/stats.js',
          state: 'ok',
          durationMs: 5,
          summary: '+1 −1',
          detail: { kind: 'diff', path: 'src/stats.js', diff: EDIT_DIFF, added: 1, removed: 1 },
        }),
      }),
    );
    expect(out).toContain('✓ edit src/stats.js 5 ms · +1 −1');
    expect(out).toContain('10 -   return sum(xs) / xs.lenght;');
    expect(out).toContain('10 +   return sum(xs) / xs.length;');
  });
});

describe('diff view', () => {
  it('numbers lines (old numbers for removals), hides file headers, cuts long diffs', () => {
    expect(frame(h(DiffView, { diff: EDIT_DIFF })).split('\n')).toEqual([
      '  @@ -9,3 +9,3 @@',
      '   9   function mean(xs) {',
      '  10 -   return sum(xs) / xs.lenght;',
      '  10 +   return sum(xs) / xs.length;',
      '  11   }',
    ]);
    expect(frame(h(DiffView, { diff: EDIT_DIFF, maxLines: 2 }))).toContain('… 3 more lines');
  });

  it('shows a session diff of several files (as /diff prints it) with each file named, never as changed lines', () => {
    const sessionDiff = [
      '--- a/new.txt',
      '+++ b/new.txt',
      '@@ -0,0 +1,1 @@',
      '+hello',
      'Binary file logo.png differs',
      EDIT_DIFF,
    ].join('\n');
    expect(
      frame(
        h(TranscriptItemView, {
          width: 80,
          item: { kind: 'diff', key: 0, title: 'changes', diff: sessionDiff },
        }),
      )
        .split('\n')
        .map((line) => line.trimEnd()),
    ).toEqual([
      'changes',
      '  --- a/new.txt',
      '  +++ b/new.txt',
      '  @@ -0,0 +1,1 @@',
      '   1 + hello',
      '  Binary file logo.png differs',
      '  --- a/src/stats.js',
      '  +++ b/src/stats.js',
      '  @@ -9,3 +9,3 @@',
      '   9   function mean(xs) {',
      '  10 -   return sum(xs) / xs.lenght;',
      '  10 +   return sum(xs) / xs.length;',
      '  11   }',
    ]);
  });
});

describe('transcript items', () => {
  it('renders the model text as terminal markdown', () => {
    const out = frame(
      h(TranscriptItemView, {
        width: 80,
        item: { kind: 'assistant', key: 0, text: '# Fix\n\n- one\n- two\n\n```js\nconst a = 1;\n```' },
      }),
    );
    expect(out).toContain('# Fix');
    expect(out).toContain('  * one');
    expect(out).toContain('  const a = 1;');
    expect(out).not.toContain('```');
  });

  it('shows user messages, collapsed reasoning and quiet notices', () => {
    expect(
      frame(h(TranscriptItemView, { width: 80, item: { kind: 'user', key: 0, text: 'fix the tests' } })),
    ).toBe('\n› fix the tests');
    expect(
      frame(
        h(TranscriptItemView, {
          width: 80,
          item: { kind: 'thinking', key: 0, text: 'check stats.js\nthen run\nthe tests' },
        }),
      ),
    ).toBe('✻ check stats.js (+2 lines of reasoning)');
    expect(
      frame(
        h(TranscriptItemView, {
          width: 80,
          item: { kind: 'notice', key: 0, tone: 'warn', text: 'interrupted' },
        }),
      ),
    ).toBe('interrupted');
  });
});

describe('approval prompt', () => {
  const approval = { id: 'a1', action: 'edit' as const, title: 'edit src/stats.js', detail: EDIT_DIFF };
  function ask(action: 'edit' | 'command' = 'edit') {
    const answers: Operation[] = [];
    const detail = action === 'edit' ? EDIT_DIFF : 'rm -rf test';
    const view = show(
      h(ApprovalPrompt, { approval: { ...approval, action, detail }, onAnswer: (op) => answers.push(op) }),
    );
    return { ...view, answers };
  }

  it('shows the diff or the command inline with the choices', () => {
    const edit = ask().lastFrame() ?? '';
    expect(edit).toContain('Allow edit: edit src/stats.js?');
    expect(edit).toContain('10 +   return sum(xs) / xs.length;');
    expect(edit).toContain('y yes · a always (this session) · n no');
    unmount?.();
    expect(ask('command').lastFrame()).toContain('rm -rf test');
  });

  it('answers yes and always', async () => {
    const first = ask();
    first.stdin.write('y');
    await waitFor(() => expect(first.answers).toEqual([{ type: 'approval', id: 'a1', decision: 'yes' }]));
    unmount?.();
    const second = ask();
    second.stdin.write('a');
    await waitFor(() => expect(second.answers).toEqual([{ type: 'approval', id: 'a1', decision: 'always' }]));
  });

  it('refuses with a note for the model', async () => {
    const view = ask();
    view.stdin.write('n');
    await waitFor(() => expect(view.lastFrame()).toContain('Note to the model'));
    view.stdin.write('use mean.js');
    view.stdin.write('\r');
    await waitFor(() =>
      expect(view.answers).toEqual([{ type: 'approval', id: 'a1', decision: 'no', note: 'use mean.js' }]),
    );
  });

  it('takes keys typed faster than a frame, arriving as one chunk', async () => {
    const quick = ask();
    quick.stdin.write('n\r');
    await waitFor(() => expect(quick.answers).toEqual([{ type: 'approval', id: 'a1', decision: 'no' }]));
    const withNote = ask();
    withNote.stdin.write('nuse pnpm\r');
    await waitFor(() =>
      expect(withNote.answers).toEqual([{ type: 'approval', id: 'a1', decision: 'no', note: 'use pnpm' }]),
    );
  });

  it("asks agent's own yes/no question with its files shown, and n answers at once, without a note", async () => {
    const answers: Operation[] = [];
    const question = {
      id: 'q1',
      action: 'edit' as const,
      title: 'undo anyway?',
      detail: 'notes.txt',
      question: true as const,
    };
    const view = show(h(ApprovalPrompt, { approval: question, onAnswer: (op) => answers.push(op) }));
    expect(view.lastFrame()).toMatch(/undo anyway\?\s.*\n.*notes\.txt[\s\S]*y yes · n no/);
    view.stdin.write('a');
    view.stdin.write('n');
    await waitFor(() => expect(answers).toEqual([{ type: 'approval', id: 'q1', decision: 'no' }]));
  });

  it('refuses on Ctrl-C, so the question never hangs', async () => {
    const view = ask();
    view.stdin.write('\x03');
    await waitFor(() => expect(view.answers).toEqual([{ type: 'approval', id: 'a1', decision: 'no' }]));
  });
});

describe('status line', () => {
  const state = (extra: Partial<TuiState> = {}, status: Partial<TuiState['status']> = {}): TuiState => {
    const base = initialState();
    return {
      ...base,
      ...extra,
      status: {
        ...base.status,
        model: 'claude-sonnet-4-5',
        mode: 'ask',
        sandbox: 'docker',
        sandboxState: 'ready',
        contextWindow: 200_000,
        contextUsed: 50_000,
        total: { input_tokens: 40_000, output_tokens: 2_500, cache_read_tokens: 0, cache_write_tokens: 0 },
        cost: 0.1575,
        ...status,
      },
    };
  };

  it('shows model, mode, sandbox, context, tokens and cost; nothing about activity while idle', () => {
    expect(frame(h(StatusLine, { state: state() }))).toBe(
      'claude-sonnet-4-5 · ask · docker ready · ctx 25% · 43k tok · $0.158',
    );
    expect(
      frame(
        h(StatusLine, {
          state: state({}, { network: true, cost: null, sandbox: 'docker', sandboxState: 'starting' }),
        }),
      ),
    ).toContain('docker starting network on · ctx 25% · 43k tok · cost unknown');
    expect(frame(h(StatusLine, { state: state({}, { routeReason: 'after_failure' }) }))).toBe(
      'claude-sonnet-4-5 (after a failure) · ask · docker ready · ctx 25% · 43k tok · $0.158',
    );
    expect(frame(h(StatusLine, { state: state({}, { routeReason: 'tool_error' }) }))).toContain(
      'claude-sonnet-4-5 (retrying a tool error) · ask',
    );
    expect(frame(h(StatusLine, { state: state({}, { routeReason: 'cache_warm' }) }))).toContain(
      'claude-sonnet-4-5 (routine step, cheaper with its warm cache) · ask',
    );
  });

  it('says what is happening now, with the time it has taken', () => {
    const running = state({ running: [call({ startedAt: 1_000 })] }, { busySince: 0 });
    expect(frame(h(StatusLine, { state: running, now: 13_500 })).split('\n')[0]).toBe(
      '⠋ running terminal npm test for 12 s',
    );
    unmount?.();
    const thinking = state({}, { busySince: 0, turnSince: 2_000 });
    expect(frame(h(StatusLine, { state: thinking, now: 6_000 })).split('\n')[0]).toBe(
      '⠋ thinking… for 4 s · Esc to interrupt',
    );
  });
});

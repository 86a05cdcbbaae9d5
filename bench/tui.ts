import type { AgentEvent } from '../src/core/events.js';
import { runTui } from '../src/tui/index.js';
import { FakeSession } from '../test/support/fake-session.js';
import { FakeTerminalInput, FakeTerminalOutput } from '../test/support/fake-terminal.js';
import { median, type BenchSection } from './report.js';

/** ink renders at most 30 frames a second: chunks and keys spaced wider than a frame each get their own redraw. */
const FRAME_MS = 40;
const CHUNKS = 40;
const KEYSTROKES = 30;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A session UI on a counting fake terminal, with `items` finished transcript items already in the scrollback. */
async function openWith(items: number) {
  const session = new FakeSession();
  const stdin = new FakeTerminalInput();
  const stdout = new FakeTerminalOutput(80, 40);
  const exit = runTui(
    session,
    { listFiles: async () => [], sessionDiff: async () => '' },
    { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream },
  );
  const emit = (event: AgentEvent) => session.emit(event);
  emit({
    type: 'session_start',
    session_id: 'b',
    cwd: '/w',
    provider: 'p',
    model: 'claude-sonnet-4-5',
    sandbox: 'none',
    tools: [],
  });
  for (let i = 0; i < items; i += 3) {
    emit({ type: 'user_message', text: `request ${i}` });
    emit({
      type: 'assistant_message',
      text: `## Step ${i}\n\nSome *markdown* with \`code\`.`,
      tool_calls: [],
    });
    emit({ type: 'tool_call_end', id: `c${i}`, name: 'read', is_error: false, output: '', duration_ms: 3 });
  }
  emit({ type: 'idle', status: 'success', text: '' });
  await sleep(200);
  const close = async () => {
    session.submit({ type: 'shutdown' });
    session.end();
    await exit;
  };
  return { session, stdin, stdout, emit, close };
}

async function bytesPerChunk(items: number): Promise<number> {
  const ui = await openWith(items);
  ui.emit({ type: 'turn_start', turn: 1, model: 'claude-sonnet-4-5' });
  await sleep(FRAME_MS);
  ui.stdout.bytes = 0;
  for (let i = 0; i < CHUNKS; i++) {
    ui.emit({ type: 'assistant_delta', text: i % 8 === 7 ? 'word.\n' : 'word ' });
    await sleep(FRAME_MS);
  }
  const bytes = ui.stdout.bytes / CHUNKS;
  await ui.close();
  return bytes;
}

async function keystrokeToEcho(items: number): Promise<number[]> {
  const ui = await openWith(items);
  const samples: number[] = [];
  for (let i = 0; i < KEYSTROKES; i++) {
    // Distinct letters, so each echo is recognisable in the output.
    const key = String.fromCharCode(97 + (i % 26));
    const echoed = ui.stdout.until(key);
    const start = performance.now();
    ui.stdin.type(key);
    await echoed;
    samples.push(performance.now() - start);
    await sleep(FRAME_MS);
  }
  await ui.close();
  return samples;
}

export async function run(): Promise<BenchSection> {
  const small = await bytesPerChunk(20);
  const large = await bytesPerChunk(2_000);
  const echo = median(await keystrokeToEcho(2_000));
  return {
    title: 'Interactive UI (fake 80x40 terminal, in process)',
    figures: [
      { name: 'bytes per streamed chunk, 20 items', value: small, unit: 'B' },
      { name: 'bytes per streamed chunk, 2,000 items', value: large, unit: 'B' },
      {
        name: 'redraw ratio 2,000 / 20 items',
        value: large / small,
        unit: 'x',
        target: '<= 1.2',
        pass: large / small <= 1.2,
      },
      {
        name: 'keystroke to echo, 2,000 items (median)',
        value: echo,
        unit: 'ms',
        target: '< 16 ms',
        pass: echo < 16,
      },
    ],
    notes: [`${CHUNKS} chunks and ${KEYSTROKES} keystrokes, each ${FRAME_MS} ms apart (one frame each)`],
  };
}

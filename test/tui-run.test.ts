import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runTui } from '../src/tui/index.js';
import { FakeSession } from './support/fake-session.js';
import { FakeTerminalInput, FakeTerminalOutput } from './support/fake-terminal.js';
import { waitFor } from './support/ink.js';

const services = { listFiles: async () => [], sessionDiff: async () => '' };

function start(initialMessage?: string) {
  const session = new FakeSession();
  const stdin = new FakeTerminalInput();
  const stdout = new FakeTerminalOutput();
  const exit = runTui(session, services, {
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    initialMessage,
  });
  return { session, stdin, stdout, exit };
}

describe('runTui', () => {
  it('sees events emitted before the first render, and exits 0 after shutting the session down', async () => {
    const { session, stdin, stdout, exit } = start();
    session.emit({ type: 'notice', message: 'sandbox starting' });
    await waitFor(() => expect(stdout.take()).toContain('sandbox starting'));
    stdin.type('\x03');
    stdin.type('\x03');
    await waitFor(() => expect(session.ops).toEqual([{ type: 'shutdown' }]));
    session.end('interrupted');
    expect(await exit).toBe(0);
  });

  it('exits 130 when the user leaves in the middle of a turn', async () => {
    const { session, stdin, exit } = start('run the tests');
    session.emit({ type: 'turn_start', turn: 1, model: 'm' });
    await waitFor(() => expect(session.ops).toEqual([{ type: 'user_message', text: 'run the tests' }]));
    stdin.type('/exit\r');
    await waitFor(() => expect(session.ops.at(-1)).toEqual({ type: 'shutdown' }));
    session.end('interrupted');
    expect(await exit).toBe(130);
  });

  it('exits 1 when the session ends on its own with an error', async () => {
    const { session, exit } = start();
    session.end('error');
    expect(await exit).toBe(1);
  });
});

describe('terminal size', () => {
  it('fits the live region and new output to the terminal after a resize', async () => {
    const { session, stdin, stdout, exit } = start();
    stdout.resize(40, 30);
    // 50 streamed lines: the live region keeps the last (rows - 8) and counts the rest, so it never outgrows the screen.
    session.emit({
      type: 'assistant_delta',
      text: Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n'),
    });
    await waitFor(() => expect(stdout.take()).toContain('28 lines above'));
    const words = 'every line of this answer must fit in forty columns after the resize '.repeat(3);
    session.emit({ type: 'assistant_message', text: `${words} end`, tool_calls: [] });
    let drawn = '';
    await waitFor(() => {
      drawn += stripVTControlCharacters(stdout.take());
      expect(drawn).toContain('end');
    });
    for (const line of drawn.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    stdin.type('/exit\r');
    await waitFor(() => expect(session.ops).toEqual([{ type: 'shutdown' }]));
    session.end();
    await exit;
  });
});

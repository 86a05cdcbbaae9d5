import { execFileSync, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import { lastToolResult } from './scripted-provider/script.js';
import { agentBin } from './support/cli.js';
import { docker } from './support/docker.js';
import { makeGitRepo } from './support/git-repo.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
let server: ScriptedProvider | undefined;
const sessions: string[] = [];
afterEach(async () => {
  for (const name of sessions.splice(0)) spawnSync('tmux', ['kill-session', '-t', name]);
  await server?.close();
  server = undefined;
});

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = (name: string) => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', name);

async function waitForScreen(name: string, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen(name);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on screen:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs `agent` interactively (no -p) in a real terminal, driven through tmux. */
function startInTerminal(name: string, cwd: string, args: string[]): void {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const command = `cd '${cwd}' && env OPENAI_API_KEY=k PATH='${process.env.PATH}' '${process.execPath}' '${agentBin}' ${quoted}; echo "EXITED $?"; sleep 60`;
  tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '50', command);
  sessions.push(name);
}

describe.skipIf(!docker || !hasTmux)('an interactive session in a real terminal', () => {
  const needsNetwork = `ls /sys/class/net | tr '\\n' ' '; python3 -c "import socket; socket.getaddrinfo('deb.debian.org', 80)"`;

  it.each([
    ['y', /NETWORK GRANTED/],
    ['n', /NETWORK DENIED/],
  ])('asks before giving one command the network; answering %s is honoured', async (answer, outcome) => {
    server = await startScriptedProvider((turn) => {
      const last = lastToolResult(turn);
      if (!last) return { toolCalls: [{ name: 'terminal', arguments: { command: needsNetwork } }] };
      return { text: /eth\d/.test(last.content) ? 'NETWORK GRANTED' : 'NETWORK DENIED' };
    });
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const name = `agent-test-${process.pid}-${answer}`;
    startInTerminal(name, repo, [
      '--provider',
      'openai',
      '--base-url',
      server.openaiBaseUrl,
      'install the deps',
    ]);

    await waitForScreen(name, /Run it once with network\? \[y\/N\]/);
    tmux('send-keys', '-t', name, answer, 'Enter');
    const final = await waitForScreen(name, /EXITED \d+/);

    expect(final).toMatch(outcome);
    expect(final).toMatch(/EXITED 0/);
    expect(final).toMatch(/→ terminal/);
  });
});

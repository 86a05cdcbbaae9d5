import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import { lastToolResult } from './scripted-provider/script.js';
import { docker } from './support/docker.js';
import { makeGitRepo } from './support/git-repo.js';
import { hasTmux, startInTerminal, tmux, waitForScreen } from './support/terminal.js';

let server: ScriptedProvider | undefined;
const sessions: string[] = [];
afterEach(async () => {
  for (const name of sessions.splice(0)) spawnSync('tmux', ['kill-session', '-t', name]);
  await server?.close();
  server = undefined;
});

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
    sessions.push(name);

    await waitForScreen(name, /Run it once with network\? \[y\/N\]/);
    tmux('send-keys', '-t', name, answer, 'Enter');
    const final = await waitForScreen(name, /EXITED \d+/);

    expect(final).toMatch(outcome);
    expect(final).toMatch(/EXITED 0/);
    expect(final).toMatch(/→ terminal/);
  });
});

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import { runAgent } from './support/cli.js';
import { makeGitRepo } from './support/git-repo.js';
import { hasTmux, Terminal } from './support/terminal.js';

let server: ScriptedProvider | undefined;
const terminals: Terminal[] = [];
afterEach(async () => {
  for (const terminal of terminals.splice(0)) terminal.close();
  await server?.close();
  server = undefined;
});

const REFUSAL =
  /Refusing in print mode: run agent in a project directory \(-C <dir>\), or add --allow-home-workspace/;

describe('a workspace that holds the home directory', () => {
  it.each([
    ['the home directory', '', 'your home directory'],
    ['a directory above home', 'me', 'a directory above your home directory'],
    ['/', '', 'the root directory'],
  ])('is refused in print mode: %s', async (_, homeBelow, what) => {
    server = await startScriptedProvider(() => ({ text: 'should not run' }));
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const home = path.join(repo, homeBelow);
    mkdirSync(home, { recursive: true });
    const r = await runAgent(server, 'openai', {
      cwd: repo,
      task: 'hi',
      format: 'text',
      flags: what === 'the root directory' ? ['-C', '/'] : [],
      env: { HOME: home },
    });
    expect(r.code).toBe(42);
    expect(r.stderr).toContain(`is ${what}:`);
    expect(r.stderr).toMatch(REFUSAL);
    expect(server.requests).toHaveLength(0);
  });

  it('is used with --allow-home-workspace', async () => {
    server = await startScriptedProvider(() => ({ text: 'ran at home' }));
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const r = await runAgent(server, 'openai', {
      cwd: repo,
      task: 'hi',
      format: 'text',
      flags: ['--allow-home-workspace'],
      env: { HOME: repo },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ran at home\n');
  });

  it.skipIf(!hasTmux).each([
    ['y', /EXITED 0/],
    ['C-c', /EXITED 42/],
  ])('asks in a terminal; answering %s is honoured, without a stack trace', async (key, outcome) => {
    server = await startScriptedProvider(() => ({ text: 'ran at home' }));
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const name = `agent-home-${process.pid}-${key}`;
    const args = [
      '--provider',
      'openai',
      '--base-url',
      server.openaiBaseUrl,
      '--sandbox',
      'none',
      '--yolo',
      'hi',
    ];
    const terminal = Terminal.start(name, repo, args, { OPENAI_API_KEY: 'k', HOME: repo });
    terminals.push(terminal);
    await terminal.waitFor(/is your home directory: .*Continue\? \[y\/N\]/);
    terminal.type('', key, ...(key === 'y' ? ['Enter'] : []));
    if (key === 'y') {
      // The session opens with the task sent; the user leaves once it is answered.
      await terminal.waitFor(/ran at home/);
      terminal.type('/exit', 'Enter');
    }
    const final = await terminal.waitFor(outcome);
    expect(final).not.toMatch(/^\s+at /m);
    expect(server.requests).toHaveLength(key === 'y' ? 1 : 0);
  });
});

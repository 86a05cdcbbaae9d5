import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../src/core/events.js';
import { TEMP_MARKER } from '../src/fs/confined.js';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import { scriptSequence } from './scripted-provider/script.js';
import { runAgent } from './support/cli.js';
import { makeGitRepo } from './support/git-repo.js';

let server: ScriptedProvider | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('file safety end to end', () => {
  it('cleans up an interrupted write at start, caps AGENTS.md, and refuses writes into .git', async () => {
    const rules = Array.from({ length: 40_000 }, (_, i) => `rule ${i}: keep the build green`).join('\n');
    const repo = realpathSync(makeGitRepo({ 'AGENTS.md': `${rules}\n`, 'src/a.ts': 'export {};\n' }));
    const config = readFileSync(path.join(repo, '.git/config'), 'utf8');
    // What a write killed by SIGKILL in an earlier session left: its temporary file and its journal record.
    const stateHome = mkdtempSync(path.join(tmpdir(), 'agent-state-'));
    const leftover = path.join(repo, 'src', `.a.ts${TEMP_MARKER}0123456789ab`);
    writeFileSync(leftover, 'half a file');
    const journal = path.join(stateHome, 'agent', 'pending-writes');
    mkdirSync(journal, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(path.join(journal, 'x.json'), JSON.stringify({ pid: dead, root: repo, path: leftover }));

    server = await startScriptedProvider(
      scriptSequence(
        {
          toolCalls: [
            { name: 'write', arguments: { path: '.git/config', content: '[core]\n\tfsmonitor = x\n' } },
          ],
        },
        {
          toolCalls: [
            { name: 'write', arguments: { path: '.git/hooks/post-checkout', content: '#!/bin/sh\n' } },
          ],
        },
        { text: 'done' },
      ),
    );
    const r = await runAgent(server, 'openai', {
      cwd: repo,
      task: 'do the task',
      env: { XDG_STATE_HOME: stateHome },
    });

    expect(r.result).toMatchObject({ status: 'success' });
    expect(existsSync(leftover)).toBe(false);
    const writes = r.events.filter(
      (e): e is Extract<AgentEvent, { type: 'tool_call_end' }> => e.type === 'tool_call_end',
    );
    expect(writes.map((e) => [e.is_error, e.output])).toEqual([
      [true, expect.stringMatching(/^\.git\/config is inside \.git: git runs hooks/)],
      [true, expect.stringMatching(/^\.git\/hooks\/post-checkout is inside \.git: git runs hooks/)],
    ]);
    expect(readFileSync(path.join(repo, '.git/config'), 'utf8')).toBe(config);
    expect(existsSync(path.join(repo, '.git/hooks/post-checkout'))).toBe(false);
    const system = server.requests[0]!.system;
    expect(system).toContain('rule 0: keep the build green');
    expect(system).not.toContain('rule 39999');
    expect(system).toMatch(/\[Truncated: AGENTS\.md is 1\.\d MB; only its first 32\.0 KB are included\./);
  });
});

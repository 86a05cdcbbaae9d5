import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptSequence, toolCall } from './scripted-provider/script.js';
import { runAgent, runCli } from './support/cli.js';
import { makeGitRepo } from './support/git-repo.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';

const provider = scriptedProviderPerTest();

const BIG = 6 * 1024 * 1024;

describe('what checkpoints leave out', () => {
  it('names huge files and nested repositories, skips ignored and special files, and undo leaves all of them as they are', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a\n', '.gitignore': 'ignored.log\n' });
    writeFileSync(path.join(repo, '.git', 'info', 'exclude'), 'local-only.txt\n');
    writeFileSync(path.join(repo, 'big.bin'), Buffer.alloc(BIG));
    execFileSync('mkfifo', [path.join(repo, 'pipe')]);
    mkdirSync(path.join(repo, 'nested'));
    execFileSync('git', ['init', '-q'], { cwd: path.join(repo, 'nested') });
    writeFileSync(path.join(repo, 'nested', 'n.txt'), 'n\n');
    writeFileSync(path.join(repo, 'ignored.log'), 'log\n');
    writeFileSync(path.join(repo, 'local-only.txt'), 'mine\n');
    const env = { XDG_STATE_HOME: mkdtempSync(path.join(tmpdir(), 'agent-ckpt-cover-')) };
    const server = await provider.start(
      scriptSequence(
        toolCall('terminal', {
          command:
            'for f in a.txt ignored.log local-only.txt nested/n.txt; do echo changed > $f; done; head -c 7 /dev/zero >> big.bin; ' +
            'mkdir made && git init -q made && echo m > made/m.txt',
        }),
        { text: 'Done.' },
      ),
    );

    const session = await runAgent(server, 'openai', { cwd: repo, env, task: 'change things' });

    expect(session.result).toMatchObject({ status: 'success' });
    const checkpoint = session.events.find((e) => e.type === 'checkpoint');
    expect(checkpoint).toMatchObject({
      uncovered: expect.arrayContaining([
        { path: 'big.bin', reason: 'too large' },
        { path: 'nested', reason: 'nested repository' },
      ]),
    });
    // A repository the turn made is named once, as it is neither undone nor protected; one already there is not.
    const warnings = session.events.filter(
      (e) => e.type === 'notice' && /created a git repository/.test(e.message),
    );
    expect(warnings).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/turn 1 .* in made\/;/) }),
    ]);
    // Ignored files and special files (the FIFO) are left out silently, as git leaves them out.
    expect(JSON.stringify(checkpoint)).not.toMatch(/ignored\.log|local-only|pipe/);

    const undo = await runCli(['undo'], { cwd: repo, env });
    expect(undo.code).toBe(0);
    expect(undo.stdout).toMatch(/not covered by checkpoints, left as they are: .*big\.bin/);
    expect(readFileSync(path.join(repo, 'a.txt'), 'utf8')).toBe('a\n');
    for (const file of ['ignored.log', 'local-only.txt', 'nested/n.txt'])
      expect(readFileSync(path.join(repo, file), 'utf8')).toBe('changed\n');
    expect(statSync(path.join(repo, 'big.bin')).size).toBe(BIG + 7);
    expect(statSync(path.join(repo, 'pipe')).isFIFO()).toBe(true);
  });
});

import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptSequence, toolCall } from './scripted-provider/script.js';
import type { ScriptedReply } from './scripted-provider/types.js';
import { runAgent, type AgentRunOptions } from './support/cli.js';
import { docker, needsDocker } from './support/docker.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';

const provider = scriptedProviderPerTest();

const git = (repo: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: 'pipe' });

const commitCount = (repo: string): number => Number(git(repo, 'rev-list', '--count', 'HEAD').trim());

/**
 * A home without a git configuration, so the committer identity is the
 * agent's fallback, and a configuration file of the test's own.
 */
function isolatedEnv(config?: Record<string, unknown>): Record<string, string> {
  const home = mkdtempSync(path.join(tmpdir(), 'agent-git-home-'));
  const env: Record<string, string> = { HOME: home, AGENT_CONFIG: path.join(home, 'config.json') };
  if (config) writeFileSync(env.AGENT_CONFIG!, JSON.stringify(config));
  return env;
}

function run(options: AgentRunOptions) {
  return runAgent(provider.current(), 'openai', { env: isolatedEnv(), ...options });
}

/** Fixes add, generates a file and deletes another with one shell command, then answers. */
const fixingSteps: ScriptedReply[] = [
  toolCall('read', { path: 'src/math.js' }),
  toolCall('edit', { path: 'src/math.js', old_string: 'a - b', new_string: 'a + b' }),
  toolCall('terminal', { command: 'echo generated > gen.txt && rm obsolete.txt && echo more >> draft.txt' }),
  { text: 'Fixed add.' },
];

const fixingProject = { ...failingAddProject, 'obsolete.txt': 'old\n', 'README.md': '# calc\n' };

/** Paths and change letters of a commit, sorted. */
const committed = (repo: string, rev = 'HEAD'): string[] =>
  git(repo, 'show', '--name-status', '--format=', rev).trim().split('\n').sort();

describe('the git state in the system prompt', () => {
  it('names the branch and counts the changed files', async () => {
    const repo = makeGitRepo(fixingProject);
    writeFileSync(path.join(repo, 'README.md'), '# calc, edited by hand\n');
    writeFileSync(path.join(repo, 'notes.txt'), 'mine\n');
    const server = await provider.start(() => ({ text: 'ok' }));

    const result = await run({ cwd: repo, task: 'look around' });

    expect(result.result?.status).toBe('success');
    expect(server.requests[0]!.system).toContain(
      '- Git repository: on branch `main`, 2 changed files not committed (at session start).\n',
    );
  });

  it('names a detached HEAD by its commit and says when the tree is clean', async () => {
    const repo = makeGitRepo(fixingProject);
    git(repo, 'checkout', '-q', '--detach');
    const sha = git(repo, 'rev-parse', '--short=7', 'HEAD').trim();
    const server = await provider.start(() => ({ text: 'ok' }));

    await run({ cwd: repo, task: 'look around' });

    expect(server.requests[0]!.system).toContain(
      `- Git repository: detached HEAD at ${sha}, working tree clean (at session start).\n`,
    );
  });

  it('says nothing outside a repository, nor about a broken one (noted in the debug log), and the session goes on', async () => {
    const plain = mkdtempSync(path.join(tmpdir(), 'agent-plain-'));
    writeFileSync(path.join(plain, 'a.txt'), 'a\n');
    const broken = makeGitRepo(fixingProject);
    writeFileSync(path.join(broken, '.git', 'index'), 'garbage\n');
    const server = await provider.start(() => ({ text: 'ok' }));

    for (const cwd of [plain, broken]) {
      const result = await run({ cwd, task: 'look around', flags: ['--debug'] });
      expect(result.result?.status).toBe('success');
      expect(server.requests.at(-1)!.system).not.toContain('Git repository');
      if (cwd === broken) {
        const log = /debug log: (.+)\n/.exec(result.stderr)![1]!;
        expect(readFileSync(log, 'utf8')).toMatch(/reading the git state for the system prompt.*index file/);
      }
    }
  });
});

describe('--git-commit', () => {
  it("commits exactly the request's changes, and nothing for a request that changes nothing", async () => {
    const repo = makeGitRepo({ ...fixingProject, 'staged.txt': 'one\n' });
    // The user's own work in progress: changed, untracked and staged files.
    writeFileSync(path.join(repo, 'README.md'), '# calc, edited by hand\n');
    writeFileSync(path.join(repo, 'notes.txt'), 'mine\n');
    // Untracked before and after; the request's command adds to it.
    writeFileSync(path.join(repo, 'draft.txt'), 'draft\n');
    writeFileSync(path.join(repo, 'staged.txt'), 'two\n');
    git(repo, 'add', 'staged.txt');
    await provider.start(
      scriptSequence(...fixingSteps, toolCall('read', { path: 'src/math.js' }), { text: 'It adds.' }),
    );

    const first = await run({ cwd: repo, task: 'fix add\n\nThe test fails.', flags: ['--git-commit'] });

    expect(first.result?.status).toBe('success');
    expect(commitCount(repo)).toBe(2);
    expect(committed(repo)).toEqual(['A\tdraft.txt', 'A\tgen.txt', 'D\tobsolete.txt', 'M\tsrc/math.js']);
    expect(git(repo, 'log', '-1', '--format=%B')).toBe(
      [
        'agent: fix add',
        '',
        'added: draft.txt',
        'added: gen.txt',
        'deleted: obsolete.txt',
        'modified: src/math.js',
        '',
        'Co-authored-by: agent <agent@localhost>',
        '',
        '',
      ].join('\n'),
    );
    // No identity configured: the commit says who made it rather than failing.
    expect(git(repo, 'log', '-1', '--format=%an <%ae>|%cn <%ce>')).toBe(
      'agent <agent@localhost>|agent <agent@localhost>\n',
    );
    // The user's work in progress is as it was.
    expect(git(repo, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([
      ' M README.md',
      '?? notes.txt',
      'M  staged.txt',
    ]);
    const commits = first.events.filter((e) => e.type === 'git_commit');
    expect(commits).toEqual([
      {
        type: 'git_commit',
        sha: git(repo, 'rev-parse', 'HEAD').trim(),
        branch: 'main',
        subject: 'agent: fix add',
        files: ['draft.txt', 'gen.txt', 'obsolete.txt', 'src/math.js'],
        seq: expect.any(Number),
        ts: expect.any(Number),
      },
    ]);

    const readOnly = await run({ cwd: repo, task: 'what does add do?', flags: ['--git-commit'] });

    expect(readOnly.result?.status).toBe('success');
    expect(commitCount(repo)).toBe(2);
    expect(readOnly.events.some((e) => e.type === 'git_commit')).toBe(false);
  });

  it.each([
    ['.git/hooks', '.git/hooks'],
    ['a core.hooksPath in the work tree', 'hooks'],
  ])('runs no hook planted in %s, nor a signing program or filter driver', async (_where, hooksDir) => {
    const repo = makeGitRepo({ ...fixingProject, '.gitattributes': '* filter=evil\n' });
    const markers = mkdtempSync(path.join(tmpdir(), 'agent-git-markers-'));
    const plant = (file: string, marker: string) => {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `#!/bin/sh\ntouch '${path.join(markers, marker)}'\ncat\n`);
      chmodSync(file, 0o755);
    };
    for (const hook of ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit', 'post-index-change'])
      plant(path.join(repo, hooksDir, hook), hook);
    if (hooksDir !== '.git/hooks') git(repo, 'config', 'core.hooksPath', path.join(repo, hooksDir));
    const programs = mkdtempSync(path.join(tmpdir(), 'agent-git-programs-'));
    plant(path.join(programs, 'gpg'), 'gpg');
    git(repo, 'config', 'commit.gpgSign', 'true');
    git(repo, 'config', 'gpg.program', path.join(programs, 'gpg'));
    plant(path.join(programs, 'clean'), 'filter');
    git(repo, 'config', 'filter.evil.clean', path.join(programs, 'clean'));
    await provider.start(scriptSequence(...fixingSteps));

    const result = await run({ cwd: repo, task: 'fix add', flags: ['--git-commit'] });

    // Before any git command of the test's own, which would run them.
    expect(readdirSync(markers)).toEqual([]);
    expect(result.result?.status).toBe('success');
    expect(result.events.filter((e) => e.type === 'git_commit')).toHaveLength(1);
  });

  it('commits nothing without the flag', async () => {
    const repo = makeGitRepo(fixingProject);
    await provider.start(scriptSequence(...fixingSteps));

    const result = await run({ cwd: repo, task: 'fix add' });

    expect(result.result?.status).toBe('success');
    expect(existsSync(path.join(repo, 'gen.txt'))).toBe(true);
    expect(commitCount(repo)).toBe(1);
    expect(result.events.some((e) => e.type === 'git_commit')).toBe(false);
  });

  it('skips a detached HEAD with a notice', async () => {
    const repo = makeGitRepo(fixingProject);
    git(repo, 'checkout', '-q', '--detach');
    await provider.start(scriptSequence(...fixingSteps));

    const result = await run({ cwd: repo, task: 'fix add', flags: ['--git-commit'] });

    expect(result.result?.status).toBe('success');
    expect(commitCount(repo)).toBe(1);
    expect(result.events).toContainEqual(
      expect.objectContaining({
        type: 'notice',
        message: 'git commit skipped: HEAD is detached; the changes stay uncommitted',
      }),
    );
  });

  it('is on with the configuration key gitCommit, and off again with --no-git-commit', async () => {
    const repo = makeGitRepo(fixingProject);
    const env = isolatedEnv({ gitCommit: true });
    await provider.start(
      scriptSequence(
        toolCall('write', { path: 'one.txt', content: '1\n' }),
        { text: 'done' },
        toolCall('write', { path: 'two.txt', content: '2\n' }),
        { text: 'done' },
      ),
    );

    const on = await run({ cwd: repo, env, task: 'write one', format: 'text', flags: ['--verbose'] });
    expect(commitCount(repo)).toBe(2);
    // Print mode's progress view shows the commit.
    const sha = git(repo, 'rev-parse', '--short=7', 'HEAD').trim();
    expect(on.stderr).toContain(`  committed ${sha} on main: agent: write one (1 file)\n`);

    await run({ cwd: repo, env, task: 'write two', flags: ['--no-git-commit'] });
    expect(commitCount(repo)).toBe(2);
  });
});

describe.skipIf(!docker)('--git-commit with the Docker sandbox', needsDocker, () => {
  it('commits a file a command in the container made', async () => {
    const repo = makeGitRepo(fixingProject);
    await provider.start(scriptSequence(...fixingSteps));

    const result = await run({
      cwd: repo,
      task: 'fix add',
      flags: ['--git-commit'],
      sandbox: ['--sandbox', 'docker'],
    });

    expect(result.result?.status).toBe('success');
    expect(result.events[0]).toMatchObject({ type: 'session_start', sandbox: 'docker' });
    expect(committed(repo)).toEqual(['A\tdraft.txt', 'A\tgen.txt', 'D\tobsolete.txt', 'M\tsrc/math.js']);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });
});

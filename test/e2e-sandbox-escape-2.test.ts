import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptSequence, toolCall, type ScriptStep } from './scripted-provider/script.js';
import { runAgent, runCli } from './support/cli.js';
import { docker, needsDocker } from './support/docker.js';
import { makeGitRepo } from './support/git-repo.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';

// Attacks of a hostile model (commands in the default Docker sandbox) and a hostile repository on
// what the harness later runs on the host: its own git calls, undo. Each plants something in one
// session and checks that nothing outside the workspace was touched by the next step.

const provider = scriptedProviderPerTest();

const stateEnv = () => ({ XDG_STATE_HOME: mkdtempSync(path.join(tmpdir(), 'agent-state-')) });

/** One session in the Docker sandbox whose model runs `command` and stops. */
async function plant(repo: string, env: Record<string, string>, command: string, flags: string[] = []) {
  await provider.start(scriptSequence(toolCall('terminal', { command }), { text: 'Done.' }));
  const run = await runAgent(provider.current(), 'anthropic', {
    cwd: repo,
    env,
    task: 'go',
    flags,
    sandbox: ['--sandbox', 'docker', '--yolo'],
  });
  expect(run.result, run.stderr).toMatchObject({ status: 'success' });
  return run;
}

/**
 * The next session there, on the host with --git-commit, whose model gives `reply`: it reads the
 * repository's state at its start, and --git-commit before and after the request.
 */
async function nextSession(cwd: string, env: Record<string, string>, reply: ScriptStep) {
  await provider.start(scriptSequence(reply));
  const next = await runAgent(provider.current(), 'anthropic', {
    cwd,
    env,
    task: 'go',
    flags: ['--git-commit'],
  });
  expect(next.result, next.stderr).toMatchObject({ status: 'success' });
  return next;
}

/** A repository with a committed submodule at `sub` (its git directory under `.git/modules/sub`). */
function repoWithSubmodule(): string {
  const inner = makeGitRepo({ 'f.txt': 'inner\n' });
  const repo = makeGitRepo({ 'a.txt': 'top\n' });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', inner, 'sub');
  git('-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-qm', 'submodule');
  return repo;
}

/** A host directory outside the workspace the attacks aim at. */
const outsideDir = () => realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-outside-')));

describe.skipIf(!docker)(
  'a hostile model against what the harness runs on the host later',
  needsDocker,
  () => {
    it('cannot get undo to write through a directory it replaced with a link out of the workspace', async () => {
      const repo = makeGitRepo({ 'd/f.txt': 'original\n' });
      const outside = outsideDir();
      const env = stateEnv();
      await plant(repo, env, `rm -rf d && ln -s ${outside} d`);
      const undo = await runCli(['undo'], { cwd: repo, env });
      expect(undo.code, undo.stderr).toBe(0);
      expect(readdirSync(outside)).toEqual([]);
      expect(readFileSync(path.join(repo, 'd/f.txt'), 'utf8')).toBe('original\n');
    });

    it('cannot switch checkpoints off with a file name that is not UTF-8', async () => {
      const repo = makeGitRepo({ 'a.txt': 'original\n' });
      const env = stateEnv();
      const run = await plant(repo, env, `echo changed > a.txt && touch "$(printf 'bad\\377name')"`);
      expect(run.events.filter((e) => e.type === 'checkpoint')).toHaveLength(1);
      const undo = await runCli(['undo'], { cwd: repo, env });
      expect(undo.code, undo.stderr).toBe(0);
      expect(readFileSync(path.join(repo, 'a.txt'), 'utf8')).toBe('original\n');
    });

    it('cannot break list, search or the index with directories nested thousands deep', async () => {
      const repo = makeGitRepo({ 'a.txt': 'needle\n' });
      // 2,030 levels: their path still fits PATH_MAX on the host (deeper, listing fails by itself).
      // openat() level by level: a shell's `cd` makes each level slower than the last.
      const nest = [
        'import os',
        "fd = os.open('.', os.O_RDONLY)",
        'for _ in range(2030):',
        "    os.mkdir('d', dir_fd=fd); fd = os.open('d', os.O_RDONLY, dir_fd=fd)",
        "os.write(os.open('deep.txt', os.O_WRONLY | os.O_CREAT, dir_fd=fd), b'needle')",
      ].join('\n');
      await provider.start(
        scriptSequence(
          toolCall('terminal', { command: `python3 -c '${nest.replaceAll("'", "'\\''")}' && echo nested` }),
          toolCall('list', { path: '.' }),
          toolCall('search', { query: 'needle' }),
          toolCall('codebase_search', { query: 'needle' }),
          { text: 'Done.' },
        ),
      );
      const run = await runAgent(provider.current(), 'anthropic', {
        cwd: repo,
        task: 'go',
        env: stateEnv(),
        sandbox: ['--sandbox', 'docker', '--yolo'],
      });
      expect(run.result, run.stderr).toMatchObject({ status: 'success' });
      const results = provider
        .current()
        .requests.slice(1)
        .map((request) => request.messages.at(-1) as { content: string; isError: boolean });
      expect(results[0]!.content).toMatch(/^nested\n/);
      for (const result of results.slice(1)) expect(result, result.content).toMatchObject({ isError: false });
      expect(results[1]!.content).toContain('not looked into');
      expect(results[3]!.content).toContain('a.txt');
    });

    it('cannot get a filter of its own run by the host’s next git status through a submodule it redirected', async () => {
      const repo = repoWithSubmodule();
      const outside = outsideDir();
      const env = stateEnv();
      // The submodule's git directory is under the read-only .git, but the `.git` file naming it is
      // the work tree's: pointed at a copy with a filter driver, git status on the host would hash
      // the (stat-dirty) file through that filter in the submodule.
      await plant(
        repo,
        env,
        [
          'cp -r .git/modules/sub evil.git',
          'git config -f evil.git/config --unset core.worktree',
          `git config -f evil.git/config filter.x.clean 'touch ${outside}/PWNED; cat'`,
          "echo 'gitdir: ../evil.git' > sub/.git",
          "echo '* filter=x' > sub/.gitattributes",
          'touch -m -d @1000000000 sub/f.txt',
        ].join(' && '),
        ['--git-commit'],
      );
      await nextSession(repo, env, { text: 'Nothing to do.' });
      expect(readdirSync(outside)).toEqual([]);
    });

    it('cannot redirect a submodule to a git directory of its own for the user’s next git status', async () => {
      const repo = repoWithSubmodule();
      const outside = outsideDir();
      const run = await plant(
        repo,
        stateEnv(),
        [
          'cp -r .git/modules/sub evil.git',
          'git config -f evil.git/config --unset core.worktree',
          `git config -f evil.git/config core.fsmonitor 'touch ${outside}/PWNED; false'`,
          "echo 'gitdir: ../evil.git' > sub/.git",
        ].join('; '),
      );
      expect(JSON.stringify(run.events)).toContain('Read-only file system');
      // The user's own git, with nothing of the harness's settings: it looks into every submodule.
      execFileSync('git', ['status'], { cwd: repo, stdio: 'pipe' });
      expect(readdirSync(outside)).toEqual([]);
    });

    it('cannot point the harness’s git at another host directory through a core.worktree it planted', async () => {
      const parent = makeGitRepo({ 'pkg/x.txt': 'x\n' });
      const workspace = path.join(parent, 'pkg');
      // Another repository of the user's on the host, where work goes on during the session.
      const other = makeGitRepo({ 'notes.txt': 'mine\n' });
      for (const name of ['u1.txt', 'u2.txt']) writeFileSync(path.join(other, name), 'untracked\n');
      const otherLog = () => execFileSync('git', ['log', '--oneline'], { cwd: other, encoding: 'utf8' });
      const before = otherLog();
      const env = stateEnv();
      // The workspace has no .git of its own (the parent's is not mounted): a command may create one,
      // whose work tree is elsewhere (`/` made every start walk the whole disk, about 30 s here).
      await plant(workspace, env, `git init -q && git config core.worktree ${other}`);
      const next = await nextSession(workspace, env, () => {
        writeFileSync(path.join(other, 'notes.txt'), 'mine, edited\n');
        return { text: 'Done.' };
      });
      // Git's view of the other directory (2 untracked files) is not the workspace's state.
      expect(provider.current().requests[0]!.system).not.toContain('Git repository');
      expect(next.events.filter((e) => e.type === 'git_commit')).toEqual([]);
      expect(otherLog()).toBe(before);
    });
  },
);

import { execFileSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { editTool } from '../tools/edit/edit.js';
import { readTool } from '../tools/read.js';
import { writeTool } from '../tools/write.js';
import { makeGitRepo } from './support/git-repo.js';
import { startFlipper } from './support/symlink-flipper.js';
import { callTool, toolContext } from './support/tool-context.js';

let flipper: ChildProcess | undefined;
afterEach(() => {
  flipper?.kill('SIGKILL');
  flipper = undefined;
});

/** A repository and a host directory next to it, whose files must never change. */
function setup(files: Record<string, string> = {}) {
  const root = realpathSync(makeGitRepo({ 'inside.txt': 'same\n', ...files }));
  const outside = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-host-')));
  writeFileSync(path.join(outside, 'host.txt'), 'same\n');
  mkdirSync(path.join(root, 'realdir'));
  return { root, outside, ctx: toolContext(root) };
}

const hostEntries = (outside: string) => readdirSync(outside, { recursive: true }).map(String).sort();

describe('write and edit against a process flipping symlinks in the workspace', () => {
  it('write, creating parent directories, never creates or changes anything outside', async () => {
    const { root, outside, ctx } = setup();
    flipper = await startFlipper(root, {
      flip: [path.join(outside, 'host.txt'), path.join(root, 'inside.txt')],
      dir: [outside, path.join(root, 'realdir')],
    });
    for (let i = 0; i < 150; i++) {
      await callTool(writeTool, { path: 'flip', content: `written ${i}\n` }, ctx);
      await callTool(writeTool, { path: `dir/new${i}/deep/file.txt`, content: `new ${i}\n` }, ctx);
    }
    flipper.kill('SIGKILL');
    expect(readFileSync(path.join(outside, 'host.txt'), 'utf8')).toBe('same\n');
    expect(hostEntries(outside)).toEqual(['host.txt']);
    // The race went both ways: some directories were created inside.
    expect(readdirSync(path.join(root, 'realdir')).length).toBeGreaterThan(0);
  });

  it('edit never writes its result to the host file the path flips to', async () => {
    const { root, outside, ctx } = setup();
    flipper = await startFlipper(root, {
      flip: [path.join(outside, 'host.txt'), path.join(root, 'inside.txt')],
    });
    let edited = 0;
    for (let i = 0; i < 150; i++) {
      // Both files hold the same text, so the edit's read-before-edit check passes wherever the link points.
      writeFileSync(path.join(root, 'inside.txt'), 'same\n');
      ctx.workspace.recordRead(path.join(root, 'flip'), 'same\n');
      const result = await callTool(
        editTool,
        { path: 'flip', old_string: 'same', new_string: 'edited' },
        ctx,
      );
      if (!result.isError) edited++;
    }
    flipper.kill('SIGKILL');
    expect(readFileSync(path.join(outside, 'host.txt'), 'utf8')).toBe('same\n');
    expect(hostEntries(outside)).toEqual(['host.txt']);
    expect(edited).toBeGreaterThan(0);
  });
});

describe('edit refuses what it cannot safely read', () => {
  it('refuses a FIFO at once instead of waiting on it', { timeout: 10_000 }, async () => {
    const { root, ctx } = setup();
    execFileSync('mkfifo', [path.join(root, 'pipe.ts')]);
    const result = await callTool(editTool, { path: 'pipe.ts', old_string: 'a', new_string: 'b' }, ctx);
    expect(result).toEqual({
      isError: true,
      output: 'pipe.ts is not a regular file (a FIFO, socket or device)',
    });
  });

  it('refuses a file over its size limit, saying the limit and what to do instead', async () => {
    const { root, ctx } = setup();
    const big = `${'x'.repeat(99)}\n`.repeat(110_000); // 11 MB
    writeFileSync(path.join(root, 'big.txt'), big);
    ctx.workspace.recordRead(path.join(root, 'big.txt'), big);
    const result = await callTool(editTool, { path: 'big.txt', old_string: 'x', new_string: 'y' }, ctx);
    expect(result).toEqual({
      isError: true,
      output:
        'big.txt is 10.5 MB; edit works on files up to 10.0 MB. Change it with a command in the terminal (sed, a script) or write it whole.',
    });
    expect(readFileSync(path.join(root, 'big.txt'), 'utf8')).toBe(big);
  });
});

describe('write and edit never touch git metadata', () => {
  const gitRefusal = /is inside \.git: git runs hooks and configured programs from there on the host/;

  it.each([
    ['the config', '.git/config'],
    ['a new hook', '.git/hooks/post-checkout'],
    ['a differently cased .git', '.GIT/hooks/pre-commit'],
    ['a nested repository', 'vendor/lib/.git/config'],
    ['the .git file of a worktree or submodule', 'vendor/sub/.git'],
  ])('write refuses %s', async (_case, target) => {
    const { root, ctx } = setup({ 'vendor/sub/README': 'x\n' });
    const config = readFileSync(path.join(root, '.git/config'), 'utf8');
    const result = await callTool(
      writeTool,
      { path: target, content: '[core]\n\tfsmonitor = touch /tmp/pwned\n' },
      ctx,
    );
    expect(result).toMatchObject({ isError: true, output: expect.stringMatching(gitRefusal) });
    expect(readFileSync(path.join(root, '.git/config'), 'utf8')).toBe(config);
    expect(existsSync(path.join(root, '.git/hooks/post-checkout'))).toBe(false);
    expect(existsSync(path.join(root, '.git/hooks/pre-commit'))).toBe(false);
    expect(existsSync(path.join(root, 'vendor/lib'))).toBe(false);
    expect(existsSync(path.join(root, 'vendor/sub/.git'))).toBe(false);
  });

  it('edit refuses the git config even after reading it', async () => {
    const { root, ctx } = setup();
    const config = readFileSync(path.join(root, '.git/config'), 'utf8');
    expect((await callTool(readTool, { path: '.git/config' }, ctx)).isError).toBe(false);
    const result = await callTool(
      editTool,
      { path: '.git/config', old_string: '[core]', new_string: '[core]\n\tfsmonitor = touch /tmp/pwned' },
      ctx,
    );
    expect(result).toMatchObject({ isError: true, output: expect.stringMatching(gitRefusal) });
    expect(readFileSync(path.join(root, '.git/config'), 'utf8')).toBe(config);
  });

  it('refuses through symlinks that lead into .git, judged on what is opened', async () => {
    const { root, ctx } = setup();
    const config = readFileSync(path.join(root, '.git/config'), 'utf8');
    symlinkSync('.git/config', path.join(root, 'settings.ini'));
    symlinkSync('.git', path.join(root, 'meta'));
    const viaFile = await callTool(writeTool, { path: 'settings.ini', content: 'x' }, ctx);
    const viaDir = await callTool(writeTool, { path: 'meta/hooks/post-checkout', content: 'x' }, ctx);
    ctx.workspace.recordRead(path.join(root, 'settings.ini'), config);
    const viaEdit = await callTool(
      editTool,
      { path: 'settings.ini', old_string: '[core]', new_string: '[core]\n\tfsmonitor = x' },
      ctx,
    );
    for (const result of [viaFile, viaDir, viaEdit])
      expect(result).toMatchObject({ isError: true, output: expect.stringMatching(gitRefusal) });
    expect(readFileSync(path.join(root, '.git/config'), 'utf8')).toBe(config);
    expect(existsSync(path.join(root, '.git/hooks/post-checkout'))).toBe(false);
  });

  it('still writes files whose names only start with .git', async () => {
    const { root, ctx } = setup();
    expect((await callTool(writeTool, { path: '.gitignore', content: 'dist/\n' }, ctx)).isError).toBe(false);
    expect((await callTool(writeTool, { path: 'docs/.github/x.md', content: 'x\n' }, ctx)).isError).toBe(
      false,
    );
    expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).toBe('dist/\n');
  });
});

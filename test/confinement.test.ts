import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTool } from '../tools/list.js';
import { readTool } from '../tools/read.js';
import { searchTool } from '../tools/search.js';
import type { Tool } from '../tools/tool.js';
import { writeTool } from '../tools/write.js';
import { makeGitRepo } from './support/git-repo.js';
import { callTool, toolContext } from './support/tool-context.js';

/** A repo next to a directory outside it holding a secret, reachable from inside through symlinks. */
function repoWithEscapes() {
  const outside = mkdtempSync(path.join(tmpdir(), 'agent-outside-'));
  writeFileSync(path.join(outside, 'secret.txt'), 'TOP-SECRET\n');
  const root = makeGitRepo({ 'src/app.ts': 'export {};\n' });
  symlinkSync(outside, path.join(root, 'outside-dir'));
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'secret-link.txt'));
  return { root, outside, ctx: toolContext(root) };
}

const outsideMessage = /is outside the workspace/;
const symlinkMessage = /leads through a symlink to .*, outside the workspace/;

/** Each tool with the arguments that point it at a path. */
const pathTools: [string, Tool, (p: string) => Record<string, unknown>][] = [
  ['read', readTool, (p) => ({ path: p })],
  ['write', writeTool, (p) => ({ path: p, content: 'pwned\n' })],
  ['list', listTool, (p) => ({ path: p })],
  ['search', searchTool, (p) => ({ query: 'TOP-SECRET', path: p })],
];

describe.each(pathTools)('%s refuses paths leaving the workspace', (_name, tool, argsFor) => {
  it.each([
    ['a parent-relative path', '../x', outsideMessage],
    ['an absolute path elsewhere', '/etc/passwd', outsideMessage],
    ['a deep parent-relative path', 'src/../../../etc', outsideMessage],
    ['a symlinked directory pointing outside', 'outside-dir', symlinkMessage],
    ['a file inside a symlinked directory', 'outside-dir/secret.txt', symlinkMessage],
    ['a symlinked file pointing outside', 'secret-link.txt', symlinkMessage],
  ])('%s', async (_case, requested, message) => {
    const { root, outside, ctx } = repoWithEscapes();
    const result = await callTool(tool, argsFor(requested), ctx);
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(message);
    expect(result.output).not.toContain('TOP-SECRET');
    expect(readdirSync(outside)).toEqual(['secret.txt']);
    expect(readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('TOP-SECRET\n');
    expect(existsSync(path.join(root, '..', 'x'))).toBe(false);
  });
});

describe('confinement of paths that do not exist yet (write and edit create them)', () => {
  it('refuses a new file under a symlinked directory, and creates nothing outside', async () => {
    const { outside, ctx } = repoWithEscapes();
    const result = await callTool(writeTool, { path: 'outside-dir/new/created.txt', content: 'x' }, ctx);
    expect(result).toMatchObject({ isError: true, output: expect.stringMatching(symlinkMessage) });
    expect(existsSync(path.join(outside, 'new'))).toBe(false);
    expect(() => ctx.workspace.resolve('outside-dir/new/created.txt')).toThrow(symlinkMessage);
  });

  it('accepts new paths and symlinks that stay inside', async () => {
    const { root, ctx } = repoWithEscapes();
    symlinkSync(path.join(root, 'src'), path.join(root, 'src-link'));
    expect(ctx.workspace.resolve('src-link/app.ts')).toBe(path.join(ctx.workspace.root, 'src-link/app.ts'));
    expect(await callTool(writeTool, { path: 'src/new/dir/file.ts', content: 'x\n' }, ctx)).toMatchObject({
      isError: false,
      output: 'Created src/new/dir/file.ts (1 line).',
    });
  });
});

describe('walking the whole repository never follows symlinks out of it', () => {
  it('search does not find content behind a symlink', async () => {
    const { ctx } = repoWithEscapes();
    expect((await callTool(searchTool, { query: 'TOP-SECRET' }, ctx)).output).toBe(
      'No matches for "TOP-SECRET" in the repository.',
    );
  });

  it('list shows the links themselves but nothing behind them', async () => {
    const { ctx } = repoWithEscapes();
    expect((await callTool(listTool, {}, ctx)).output.split('\n').slice(1)).toEqual([
      'outside-dir',
      'secret-link.txt',
      'src/app.ts',
    ]);
  });
});

describe('names that merely start with two dots', () => {
  it('are inside the workspace', async () => {
    const repo = makeGitRepo({ '..config': 'dots\n' });
    const { Workspace } = await import('../tools/workspace.js');
    expect(new Workspace(repo).resolve('..config')).toBe(path.join(realpathSync(repo), '..config'));
    expect(() => new Workspace(repo).resolve('../x')).toThrow(/outside the workspace/);
  });
});

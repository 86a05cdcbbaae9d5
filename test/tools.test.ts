import {
  chmodSync,
  mkdtempSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostSandbox } from '../src/sandbox/host.js';
import { Visibility } from '../src/fs/visibility/policy.js';
import { listTool } from '../tools/list.js';
import { readTool } from '../tools/read.js';
import { gitGrep, nodeWalk, ripgrep, type SearchBackend } from '../tools/search-backends.js';
import { searchTool } from '../tools/search.js';
import { terminalTool } from '../tools/terminal.js';
import { writeTool } from '../tools/write.js';
import { makeGitRepo } from './support/git-repo.js';
import { callTool, toolContext } from './support/tool-context.js';

/** A repository with ignored files (root and nested .gitignore, a re-include) next to searchable ones. */
function repoWithIgnores(): string {
  const root = makeGitRepo({
    '.gitignore': 'dist/\n*.log\n!keep.log\n',
    'src/app.ts': 'const needle = 1;\nconst a.b = 2;\nconst axb = 3;\n',
    'src/util/helpers.ts': 'export const needle = "helper";\n',
    'docs/guide.md': '# Guide\nno match here\n',
    'vendor/.gitignore': 'generated.ts\n',
    'vendor/lib.ts': 'needle in vendor\n',
    'keep.log': 'needle in a re-included log\n',
  });
  mkdirSync(path.join(root, 'dist'));
  writeFileSync(path.join(root, 'dist/bundle.js'), 'needle in build output\n');
  writeFileSync(path.join(root, 'debug.log'), 'needle in a log\n');
  writeFileSync(path.join(root, 'vendor/generated.ts'), 'needle generated\n');
  writeFileSync(path.join(root, 'untracked.ts'), 'needle not yet committed\n');
  return root;
}

const backends: [string, SearchBackend][] = [
  ['ripgrep', ripgrep],
  ['git grep', gitGrep],
  ['pure Node walk', nodeWalk],
];

describe.each(backends)('search backend: %s', (_name, backend) => {
  const root = repoWithIgnores();
  const search = (query: string, options: { regex?: boolean; ignoreCase?: boolean; target?: string } = {}) =>
    backend({
      visibility: new Visibility(realpathSync(root)),
      target: options.target ?? '.',
      targetIsFile: false,
      query,
      regex: options.regex ?? false,
      ignoreCase: options.ignoreCase ?? false,
      limit: 100,
      signal: new AbortController().signal,
    });

  it('finds matches in tracked and untracked files, skipping ignored ones, in path order', async () => {
    const outcome = await search('needle');
    expect(outcome!.matches.map((m) => `${m.path}:${m.line}`)).toEqual([
      'keep.log:1',
      'src/app.ts:1',
      'src/util/helpers.ts:1',
      'untracked.ts:1',
      'vendor/lib.ts:1',
    ]);
  });

  it('is literal by default and a regular expression on request', async () => {
    expect((await search('a.b'))!.matches.map((m) => m.text)).toEqual(['const a.b = 2;']);
    expect((await search('a.b', { regex: true }))!.matches.map((m) => m.text)).toEqual([
      'const a.b = 2;',
      'const axb = 3;',
    ]);
  });

  it('ignores letter case only on request, literal or regex', async () => {
    expect((await search('A.B'))!.matches).toEqual([]);
    expect((await search('A.B', { ignoreCase: true }))!.matches.map((m) => m.text)).toEqual([
      'const a.b = 2;',
    ]);
    expect((await search('A.B', { regex: true, ignoreCase: true }))!.matches.map((m) => m.text)).toEqual([
      'const a.b = 2;',
      'const axb = 3;',
    ]);
  });

  it('searches only under the given path', async () => {
    expect((await search('needle', { target: 'src/util' }))!.matches.map((m) => m.path)).toEqual([
      'src/util/helpers.ts',
    ]);
  });

  it('counts every match while keeping only the first ones, however long the output', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `hit ${i} ${'.'.repeat(40)}`).join('\n');
    const many = makeGitRepo({ 'a.txt': lines, 'b.txt': lines });
    const outcome = await backend({
      visibility: new Visibility(realpathSync(many)),
      target: '.',
      targetIsFile: false,
      query: 'hit',
      regex: false,
      limit: 3,
      signal: new AbortController().signal,
    });
    expect(outcome!.total).toBe(40_000);
    expect(outcome!.matches.map((m) => `${m.path}:${m.line}`)).toEqual(['a.txt:1', 'a.txt:2', 'a.txt:3']);
  });

  it('rejects an invalid regular expression', async () => {
    await expect(search('foo(', { regex: true })).rejects.toThrow(
      /regex parse error|invalid regular expression|unmatched \(/i,
    );
  });
});

describe('search tool', () => {
  it('reports matches as path:line: text', async () => {
    const ctx = toolContext(repoWithIgnores());
    const result = await callTool(searchTool, { query: 'needle', path: 'src' }, ctx);
    expect(result).toEqual({
      isError: false,
      output:
        '2 matches in src:\nsrc/app.ts:1: const needle = 1;\nsrc/util/helpers.ts:1: export const needle = "helper";',
      detail: { kind: 'matches', count: 2 },
    });
  });

  it('states the cap when there are more matches than it shows, and truncates long lines', async () => {
    const many = Array.from({ length: 150 }, (_, i) => `hit ${i} ${'x'.repeat(i === 0 ? 1000 : 1)}`).join(
      '\n',
    );
    const ctx = toolContext(makeGitRepo({ 'many.txt': many }));
    const { output } = await callTool(searchTool, { query: 'hit' }, ctx);
    const lines = output.split('\n');
    expect(lines[0]).toBe('Showing 100 of 150 matches; narrow with path or a more specific query.');
    expect(lines).toHaveLength(101);
    expect(lines[1]).toMatch(/^many\.txt:1: hit 0 x+… \[706 more characters\]$/);
  });

  it('says clearly when nothing matches', async () => {
    const ctx = toolContext(repoWithIgnores());
    expect(await callTool(searchTool, { query: 'absent-word' }, ctx)).toEqual({
      isError: false,
      detail: { kind: 'matches', count: 0 },
      output: 'No matches for "absent-word" in the repository.',
    });
  });

  it('works outside a git repository by falling back when git grep cannot run', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'agent-plain-'));
    writeFileSync(path.join(root, 'notes.txt'), 'alpha\nneedle\n');
    const request = {
      visibility: new Visibility(realpathSync(root)),
      target: '.',
      targetIsFile: false,
      query: 'needle',
      regex: false,
      limit: 100,
      signal: new AbortController().signal,
    };
    expect(await gitGrep(request)).toBeNull();
    expect(await nodeWalk(request)).toEqual({
      matches: [{ path: 'notes.txt', line: 2, text: 'needle' }],
      total: 1,
    });
  });

  it('reports an invalid regular expression as an error result', async () => {
    const ctx = toolContext(repoWithIgnores());
    const result = await callTool(searchTool, { query: '(unclosed', regex: true }, ctx);
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/search failed: .*regex parse error/s);
  });
});

describe('list tool', () => {
  it('lists files sorted, honouring root and nested .gitignore files and skipping .git', async () => {
    const ctx = toolContext(repoWithIgnores());
    const { output } = await callTool(listTool, {}, ctx);
    expect(output.split('\n')).toEqual([
      '8 files in the repository:',
      '.gitignore',
      'docs/guide.md',
      'keep.log',
      'src/app.ts',
      'src/util/helpers.ts',
      'untracked.ts',
      'vendor/.gitignore',
      'vendor/lib.ts',
    ]);
  });

  it('filters by glob relative to path; a glob without a slash matches names anywhere', async () => {
    const ctx = toolContext(repoWithIgnores());
    expect((await callTool(listTool, { pattern: '*.ts' }, ctx)).output.split('\n').slice(1)).toEqual([
      'src/app.ts',
      'src/util/helpers.ts',
      'untracked.ts',
      'vendor/lib.ts',
    ]);
    expect((await callTool(listTool, { path: 'src', pattern: 'util/**' }, ctx)).output).toBe(
      '1 file matching "util/**" in src:\nsrc/util/helpers.ts',
    );
    expect((await callTool(listTool, { pattern: '*.py' }, ctx)).output).toBe(
      'No files matching "*.py" in the repository.',
    );
  });

  it('states the cap when there are too many files', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 620 }, (_, i) => [`gen/f${String(i).padStart(3, '0')}.txt`, '']),
    );
    const ctx = toolContext(makeGitRepo(files));
    const lines = (await callTool(listTool, {}, ctx)).output.split('\n');
    expect(lines[0]).toBe('Showing 500 of 620 files; narrow with path or pattern.');
    expect(lines).toHaveLength(501);
    expect(lines[500]).toBe('gen/f499.txt');
  });

  it('refuses a file or a missing path', async () => {
    const ctx = toolContext(repoWithIgnores());
    expect(await callTool(listTool, { path: 'src/app.ts' }, ctx)).toMatchObject({
      isError: true,
      output: expect.stringMatching(/use read/),
    });
    expect(await callTool(listTool, { path: 'nope' }, ctx)).toMatchObject({
      isError: true,
      output: 'nope does not exist',
    });
  });
});

describe('read tool', () => {
  const numbered = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `${String(from + i).padStart(6)}\tline ${from + i}`).join(
      '\n',
    );

  it('shows a short file whole with line numbers and records the read for edit', async () => {
    const root = makeGitRepo({ 'a.txt': 'line 1\nline 2\nline 3\n' });
    const ctx = toolContext(root);
    expect(await callTool(readTool, { path: 'a.txt' }, ctx)).toEqual({
      isError: false,
      output: numbered(1, 3),
    });
    const absolute = path.join(ctx.workspace.root, 'a.txt');
    expect(ctx.workspace.staleReason(absolute, readFileSync(absolute))).toBeNull();
  });

  it('pages a long file and says how to read on', async () => {
    const text = Array.from({ length: 5400 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const ctx = toolContext(makeGitRepo({ 'big.txt': text }));
    const first = await callTool(readTool, { path: 'big.txt' }, ctx);
    expect(first.output).toBe(
      `${numbered(1, 2000)}\n\n(lines 1-2000 of 5400; call read with offset 2001 to continue)`,
    );
    const last = await callTool(readTool, { path: 'big.txt', offset: 5000 }, ctx);
    expect(last.output).toBe(`${numbered(5000, 5400)}\n\n(lines 5000-5400 of 5400)`);
    const window = await callTool(readTool, { path: 'big.txt', offset: 10, limit: 2 }, ctx);
    expect(window.output).toBe(
      `${numbered(10, 11)}\n\n(lines 10-11 of 5400; call read with offset 12 to continue)`,
    );
    expect((await callTool(readTool, { path: 'big.txt', offset: 6000 }, ctx)).output).toBe(
      'offset 6000 is past the end of the file, which has 5400 lines',
    );
  });

  it('truncates very long lines', async () => {
    const ctx = toolContext(makeGitRepo({ 'min.js': 'y'.repeat(5000) }));
    expect((await callTool(readTool, { path: 'min.js' }, ctx)).output).toBe(
      `     1\t${'y'.repeat(2000)}… [3,000 more characters]`,
    );
  });

  it('refuses directories and binary files, and suggests similar paths for a missing file', async () => {
    const root = makeGitRepo({ 'src/config.json': '{}', 'docs/Config.md': '#' });
    writeFileSync(path.join(root, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    const ctx = toolContext(root);
    expect(await callTool(readTool, { path: 'src' }, ctx)).toEqual({
      isError: true,
      output: 'src is a directory; use list to see its files',
    });
    expect(await callTool(readTool, { path: 'logo.png' }, ctx)).toEqual({
      isError: true,
      output: 'logo.png is a binary file (6 B); read only shows text files',
    });
    expect(await callTool(readTool, { path: 'config.json' }, ctx)).toEqual({
      isError: true,
      output: 'config.json does not exist; similar paths: docs/Config.md, src/config.json',
    });
    expect((await callTool(readTool, { path: 'zzz.txt' }, ctx)).output).toBe(
      'zzz.txt does not exist; use list or search to find it',
    );
  });
});

describe('write tool', () => {
  it('creates a file with its parent directories, then overwrites it, leaving no temp files', async () => {
    const root = makeGitRepo({ 'README.md': 'hi\n' });
    const ctx = toolContext(root);
    expect(await callTool(writeTool, { path: 'src/deep/new.ts', content: 'a\nb\n' }, ctx)).toMatchObject({
      isError: false,
      output: 'Created src/deep/new.ts (2 lines).',
      detail: { kind: 'diff', path: 'src/deep/new.ts', added: 2, removed: 0 },
    });
    expect(await callTool(writeTool, { path: 'src/deep/new.ts', content: 'only' }, ctx)).toMatchObject({
      isError: false,
      output: 'Overwrote src/deep/new.ts (1 line).',
      detail: {
        diff: '--- a/src/deep/new.ts\n+++ b/src/deep/new.ts\n@@ -1,2 +1,1 @@\n-a\n-b\n+only\n\\ No newline at end of file\n',
        added: 1,
        removed: 2,
      },
    });
    expect(readFileSync(path.join(root, 'src/deep/new.ts'), 'utf8')).toBe('only');
    expect(readdirSync(path.join(root, 'src/deep'))).toEqual(['new.ts']);
  });

  it('counts the written content as read, so it can be edited next', async () => {
    const ctx = toolContext(makeGitRepo({ 'README.md': 'hi\n' }));
    await callTool(writeTool, { path: 'notes.md', content: 'x\n' }, ctx);
    expect(ctx.workspace.staleReason(path.join(ctx.workspace.root, 'notes.md'), 'x\n')).toBeNull();
  });

  it('keeps the permissions of a file it overwrites, and refuses a directory', async () => {
    const root = makeGitRepo({ 'run.sh': '#!/bin/sh\n', 'dir/x': '' });
    const ctx = toolContext(root);
    const script = path.join(root, 'run.sh');
    chmodSync(script, 0o755);
    await callTool(writeTool, { path: 'run.sh', content: '#!/bin/sh\necho hi\n' }, ctx);
    expect(statSync(script).mode & 0o777).toBe(0o755);
    expect((await callTool(writeTool, { path: 'dir', content: '' }, ctx)).output).toBe(
      'dir is a directory; give a file path',
    );
  });
});

describe('terminal tool', () => {
  it('returns the exit code and combined output, and streams it live', async () => {
    const ctx = toolContext(makeGitRepo({ 'a.txt': '' }));
    const result = await callTool(terminalTool, { command: 'echo out; echo err >&2; ls; exit 3' }, ctx);
    expect(result).toMatchObject({ isError: true, output: 'out\nerr\na.txt\n[exit code 3]' });
    expect(result.detail).toEqual({
      kind: 'command',
      command: 'echo out; echo err >&2; ls; exit 3',
      exit_code: 3,
      timed_out: false,
      output_tail: 'out\nerr\na.txt\n',
    });
    expect(ctx.streamed.join('')).toBe('out\nerr\na.txt\n');
    expect(await callTool(terminalTool, { command: 'true' }, ctx)).toMatchObject({
      isError: false,
      output: '(no output)\n[exit code 0]',
    });
  });

  it('keeps the head and the tail of long output and says how much was cut', async () => {
    const ctx = toolContext(makeGitRepo({ 'a.txt': '' }));
    const { output } = await callTool(terminalTool, { command: 'seq 1 10000; echo FAILED >&2; exit 1' }, ctx);
    const lines = output.split('\n');
    expect(lines.slice(0, 80)).toEqual(Array.from({ length: 80 }, (_, i) => String(i + 1)));
    expect(lines[80]).toBe('[... 9,721 lines (46.5 KB) cut from the middle of the output ...]');
    expect(lines.slice(81, 83)).toEqual(['9802', '9803']);
    expect(lines.slice(-3)).toEqual(['10000', 'FAILED', '[exit code 1]']);
  });

  it('cuts one enormous line by size', async () => {
    const ctx = toolContext(makeGitRepo({ 'a.txt': '' }));
    const { output } = await callTool(
      terminalTool,
      { command: "head -c 100000 /dev/zero | tr '\\0' z" },
      ctx,
    );
    expect(output).toBe(
      `${'z'.repeat(8000)}\n[... 68.4 KB cut from the middle of the output ...]\n${'z'.repeat(22000)}\n[exit code 0]`,
    );
  });

  it('says plainly when a command timed out', async () => {
    const ctx = toolContext(makeGitRepo({ 'a.txt': '' }));
    const result = await callTool(terminalTool, { command: 'echo started; sleep 30', timeout_ms: 300 }, ctx);
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(
      /^started\n\[timed out after 0.3 s; the command and its child processes were killed/,
    );
  });

  it('explains network failures when the sandbox blocks the network', async () => {
    const root = makeGitRepo({ 'a.txt': '' });
    const command = 'echo "curl: (6) Could not resolve host: registry.npmjs.org" >&2; exit 6';
    const open = await callTool(terminalTool, { command }, toolContext(root));
    expect(open.output).not.toMatch(/blocked by policy/);
    const blocked = await callTool(
      terminalTool,
      { command },
      toolContext(root, new NetworkBlockedHost(root)),
    );
    expect(blocked.output).toMatch(
      /\[exit code 6\]\n\[note: network access is blocked by policy in this sandbox/,
    );
  });
});

/** The host sandbox reporting a blocked network, as the Docker sandbox does by default. */
class NetworkBlockedHost extends HostSandbox {
  override readonly networkBlocked = true;
}

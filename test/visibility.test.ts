import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MerkleTree } from '../src/context/retrieval/merkle.js';
import { Visibility } from '../src/fs/visibility/policy.js';
import { containsSecret } from '../src/fs/visibility/secrets.js';
import { hostGit } from '../src/git/host-git.js';
import { applyEdit } from '../tools/edit/apply-edit.js';
import { listTool } from '../tools/list.js';
import { readTool } from '../tools/read.js';
import { gitGrep, nodeWalk, ripgrep, type SearchRequest } from '../tools/search-backends.js';
import { searchTool } from '../tools/search.js';
import { makeGitRepo } from './support/git-repo.js';
import { callTool, toolContext } from './support/tool-context.js';

const TOKEN = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123';
const KEY_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj';

function secretsRepo(): string {
  return makeGitRepo({
    '.env': `API_KEY=${TOKEN}\n`,
    '.env.example': 'API_KEY=\n',
    '.agentignore': 'private/\n',
    'private/notes.md': 'sk-ant in a private note\n',
    'src/config.ts': `const key = "${TOKEN}"; // sk-ant test\n`,
    'keys/id_rsa': `-----BEGIN OPENSSH PRIVATE KEY-----\n${KEY_BODY}\n-----END OPENSSH PRIVATE KEY-----\n`,
    'keys/id_rsa.pub': 'ssh-rsa AAAA user@host\n',
    'docs/key.md': `-----BEGIN PRIVATE KEY-----\n${KEY_BODY}\n-----END PRIVATE KEY-----\n`,
  });
}

function request(root: string, query: string, regex = false): SearchRequest {
  return {
    visibility: new Visibility(realpathSync(root)),
    target: '.',
    targetIsFile: false,
    query,
    regex,
    limit: 100,
    signal: new AbortController().signal,
  };
}

describe('file visibility: secrets', () => {
  it('refuses a secret file asked for by name, saying why and how the user allows it', async () => {
    const root = secretsRepo();
    const refused = await callTool(readTool, { path: '.env' }, toolContext(root));
    expect(refused.isError).toBe(true);
    expect(refused.output).toContain('credentials');
    expect(refused.output).toContain('allowFiles');
    expect(refused.output).not.toContain(TOKEN);
    // A link inside the workspace is judged by its target.
    symlinkSync('.env', path.join(root, 'notes.txt'));
    expect((await callTool(readTool, { path: 'notes.txt' }, toolContext(root))).output).toContain(
      'allowFiles',
    );

    const allowed = { ...toolContext(root), visibility: new Visibility(realpathSync(root), ['.env']) };
    expect((await callTool(readTool, { path: '.env' }, allowed)).output).toContain(TOKEN);
  });

  it('shows templates and public keys, refuses private keys', async () => {
    const ctx = toolContext(secretsRepo());
    expect((await callTool(readTool, { path: '.env.example' }, ctx)).isError).toBe(false);
    expect((await callTool(readTool, { path: 'keys/id_rsa.pub' }, ctx)).output).toContain('ssh-rsa');
    expect((await callTool(readTool, { path: 'keys/id_rsa' }, ctx)).isError).toBe(true);
  });

  it('hides secret-shaped values in files that are shown', async () => {
    const ctx = toolContext(secretsRepo());
    const config = await callTool(readTool, { path: 'src/config.ts' }, ctx);
    expect(config.output).not.toContain(TOKEN);
    expect(config.output).toContain('[secret hidden]');
    expect((await callTool(readTool, { path: 'docs/key.md' }, ctx)).output).not.toContain(KEY_BODY);
  });

  it('tells a placeholder private key from one with key material', () => {
    expect(containsSecret('-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n')).toBe(false);
    expect(containsSecret(`-----BEGIN PRIVATE KEY-----\n${KEY_BODY}\n-----END PRIVATE KEY-----\n`)).toBe(
      true,
    );
  });

  it.each([
    ['ripgrep', ripgrep],
    ['git grep', gitGrep],
    ['pure Node walk', nodeWalk],
  ])(
    'search (%s) finds nothing in secret or .agentignored files and hides secret-shaped text',
    async (_n, backend) => {
      const root = secretsRepo();
      const outcome = await backend(request(root, 'sk-ant'));
      expect(outcome!.matches.map((m) => m.path)).toEqual(['src/config.ts']);
      expect(outcome!.total).toBe(1);
      expect(outcome!.matches[0]!.text).not.toContain(TOKEN);
      const body = await backend(request(root, KEY_BODY.slice(0, 20)));
      expect(JSON.stringify(body)).not.toContain(KEY_BODY);
    },
  );

  it('list leaves out .agentignored and secret files', async () => {
    const result = await callTool(listTool, {}, toolContext(secretsRepo()));
    expect(result.output.split('\n').slice(1).sort()).toEqual([
      '.agentignore',
      '.env.example',
      'docs/key.md',
      'keys/id_rsa.pub',
      'src/config.ts',
    ]);
  });
});

describe('file visibility: rule files the sandbox controls', () => {
  it('does not follow .agentignore to /dev/zero nor a .gitignore to a host file', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'agent-host-rules-'));
    writeFileSync(path.join(outside, 'host-rules'), 'visible.txt\n');
    const root = makeGitRepo({ 'visible.txt': 'x\n', 'sub/a.txt': 'x\n' });
    symlinkSync('/dev/zero', path.join(root, '.agentignore'));
    symlinkSync(path.join(outside, 'host-rules'), path.join(root, '.gitignore'));
    const result = await callTool(listTool, {}, toolContext(root));
    expect(result.output).toContain('visible.txt');
    expect(result.output).toContain('Note: .gitignore is not a regular file inside the workspace');
    expect(result.output).toContain('Note: .agentignore is not a regular file inside the workspace');
    expect(new MerkleTree(realpathSync(root)).sync().changed.map((c) => c.path)).toContain('visible.txt');
  });

  it('a FIFO named .gitignore in a subdirectory blocks neither list, search nor the index; read of a FIFO fails at once', async () => {
    const root = makeGitRepo({ 'sub/a.txt': 'needle\n', 'b.txt': 'needle\n' });
    execFileSync('mkfifo', [path.join(root, 'sub/.gitignore')]);
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    const ctx = toolContext(root);
    expect((await callTool(listTool, {}, ctx)).output).toContain('sub/a.txt');
    const search = await callTool(searchTool, { query: 'needle' }, ctx);
    expect(search.output).toContain('sub/a.txt:1: needle');
    expect(search.output).toContain('sub/.gitignore is not a regular file');
    expect(new MerkleTree(realpathSync(root)).sync().changed.map((c) => c.path)).toContain('sub/a.txt');
    const read = await callTool(readTool, { path: 'pipe' }, ctx);
    expect(read.output).toBe(
      'pipe is not a regular file (a FIFO, socket or device); read only shows regular files',
    );
  });

  it('applies at most 1,000 rules of a huge .gitignore and says so', async () => {
    // Short rules, so that the file stays under the size cap and the rule cap is what applies.
    const rules = Array.from({ length: 30_000 }, (_, i) => `p${i}*`).join('\n');
    const root = makeGitRepo({ '.gitignore': `${rules}\n`, 'a.ts': 'x\n' });
    const result = await callTool(listTool, {}, toolContext(root));
    expect(result.output).toContain('a.ts');
    expect(result.output).toContain('.gitignore has 30,000 rules; only the first 1,000 apply');
  });
});

describe('search: bounded work', () => {
  it.each([
    ['ripgrep', ripgrep],
    ['git grep', gitGrep],
  ])('%s keeps only the start of a very long matched line', async (_n, backend) => {
    const root = makeGitRepo({ 'long.txt': `needle${'x'.repeat(2_000_000)}\n` });
    const outcome = await backend(request(root, 'needle'));
    expect(outcome!.total).toBe(1);
    expect(outcome!.matches[0]!.text.length).toBeLessThanOrEqual(4096);
  });

  it('the Node search runs a catastrophic regex in linear time and respects abort', async () => {
    const root = makeGitRepo({ 'a.txt': `${'a'.repeat(100_000)}b\n`, 'b.txt': 'aaa\n' });
    const outcome = await nodeWalk(request(root, '(a+)+$', true));
    expect(outcome!.matches.map((m) => m.path)).toEqual(['b.txt']);
    const aborted = { ...request(root, '(a+)+$', true), signal: AbortSignal.abort() };
    await expect(nodeWalk(aborted)).rejects.toThrow();
  });

  it('an ambiguous edit names the first places and counts the rest', () => {
    const outcome = applyEdit('x = 1;\n'.repeat(61_440), 'x = 1;', 'y', false);
    expect(outcome.ok).toBe(false);
    const message = outcome.ok ? '' : outcome.message;
    expect(message).toContain('matches 61440 places');
    expect(message).toContain('and 61430 more');
    expect(message.length).toBeLessThan(1000);
  });
});

describe('host git', () => {
  it('runs no fsmonitor, hook or filter driver the repository configures', async () => {
    const root = makeGitRepo({ 'a.txt': 'needle\n', '.gitattributes': '*.txt filter=evil\n' });
    const markers = mkdtempSync(path.join(tmpdir(), 'agent-git-markers-'));
    const script = path.join(markers, 'planted.sh');
    writeFileSync(
      script,
      `#!/bin/sh\ntouch "${markers}/ran-$1"\nprintf 'token\\0/\\0'\ncat >/dev/null 2>&1 || true\n`,
    );
    chmodSync(script, 0o755);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    git('config', 'core.fsmonitor', script);
    git('config', 'filter.evil.clean', `${script} filter`);
    mkdirSync(path.join(root, '.git/hooks'), { recursive: true });
    const safe = await hostGit(root);
    // Same size, new mtime: git must hash the file, through its clean filter, to know whether it changed.
    writeFileSync(path.join(root, 'a.txt'), 'needle\n');
    await promisify(execFile)('git', [...safe.args, 'status', '--porcelain'], { cwd: root, env: safe.env });
    await promisify(execFile)('git', [...safe.args, 'grep', '-e', 'needle'], { cwd: root, env: safe.env });
    expect((await gitGrep(request(root, 'needle')))!.total).toBe(1);
    expect(existsSync(path.join(markers, 'ran-2')) || existsSync(path.join(markers, 'ran-1'))).toBe(false);
    expect(existsSync(path.join(markers, 'ran-filter'))).toBe(false);
  });
});

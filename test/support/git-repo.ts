import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A real git repository in a fresh temp dir, with the given files committed. */
export function makeGitRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-repo-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-qm', 'initial');
  return dir;
}

/** A tiny Node project whose test fails because `add` subtracts. */
export const failingAddProject: Record<string, string> = {
  'package.json': JSON.stringify(
    { name: 'calc', version: '1.0.0', type: 'module', scripts: { test: 'node test/math.test.js' } },
    null,
    2,
  ),
  'src/math.js': [
    'export function add(a, b) {',
    '  return a - b;',
    '}',
    '',
    'export function multiply(a, b) {',
    '  return a * b;',
    '}',
    '',
  ].join('\n'),
  'test/math.test.js': [
    "import assert from 'node:assert/strict';",
    "import { add, multiply } from '../src/math.js';",
    '',
    'assert.equal(multiply(3, 4), 12);',
    'assert.equal(add(2, 3), 5);',
    "console.log('all tests passed');",
    '',
  ].join('\n'),
};

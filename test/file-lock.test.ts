import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tryFileLock, withFileLock } from '../src/core/file-lock.js';

const lockIn = () => path.join(mkdtempSync(path.join(tmpdir(), 'agent-lock-')), 'x.lock');

describe('file lock', () => {
  it('is held by one owner at a time, names the live holder, and is free after release', async () => {
    const file = lockIn();
    const first = await tryFileLock(file);
    expect('release' in first).toBe(true);
    expect(await tryFileLock(file)).toEqual({ holder: process.pid });
    if ('release' in first) await first.release();
    expect(existsSync(file)).toBe(false);
    const again = await tryFileLock(file);
    expect('release' in again).toBe(true);
  });

  it('takes over a lock whose process is gone', async () => {
    const file = lockIn();
    const gone = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(file, gone);
    expect('release' in (await tryFileLock(file))).toBe(true);
  });

  it('runs the work of concurrent holders one after the other', async () => {
    const file = lockIn();
    const log: string[] = [];
    const work = (name: string) => async () => {
      log.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      log.push(`${name} out`);
    };
    const waited: number[] = [];
    await Promise.all([
      withFileLock(file, work('a'), (pid) => waited.push(pid)),
      withFileLock(file, work('b'), (pid) => waited.push(pid)),
    ]);
    // Whichever goes first, the other's work starts only after it ended.
    expect(log.join(', ')).toMatch(/^(a in, a out, b in, b out|b in, b out, a in, a out)$/);
    // The second was told once who held the lock.
    expect(waited).toEqual([process.pid]);
  });
});

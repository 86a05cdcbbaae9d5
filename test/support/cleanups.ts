import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

export interface CleanupsPerTest {
  /** What to undo when the running test ends, in order (unshift to run first). */
  cleanups: Array<() => Promise<void> | void>;
  /** A temporary directory, removed when the running test ends. */
  tempDir(prefix: string): string;
}

/** Call at a test file's top level: each test's cleanups run when it ends. */
export function cleanupsPerTest(): CleanupsPerTest {
  const cleanups: CleanupsPerTest['cleanups'] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return {
    cleanups,
    tempDir: (prefix) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}

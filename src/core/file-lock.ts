import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { isProcessAlive } from './process-alive.js';

const POLL_MS = 500;

/** A lock this process holds; `release` removes it (once, idempotently). */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * One attempt at `file`, an exclusive lock between processes: it holds the owner's pid and
 * appears complete, by a hard link from a private file (no one ever reads it half-written). A
 * lock left by a process that is gone is taken over. Returns the lock, or the pid of the live
 * process holding it. Two processes taking over the same stale lock at the same moment can both
 * succeed: callers must stay correct then, only slower.
 */
export async function tryFileLock(file: string): Promise<HeldLock | { holder: number }> {
  await mkdir(path.dirname(file), { recursive: true });
  const mine = `${file}.${randomUUID()}`;
  await writeFile(mine, String(process.pid));
  try {
    for (;;) {
      try {
        await link(mine, file);
        let released = false;
        return {
          release: async () => {
            if (released) return;
            released = true;
            await unlink(file).catch(() => undefined);
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readFile(file, 'utf8').then(Number, () => undefined);
      if (holder === undefined) continue; // released meanwhile
      if (isProcessAlive(holder)) return { holder };
      await unlink(file).catch(() => undefined);
    }
  } finally {
    await unlink(mine).catch(() => undefined);
  }
}

/**
 * Runs `work` while holding the lock `file` (see tryFileLock). While another live process holds
 * it, waits (`onWait` is told once, with its pid).
 */
export async function withFileLock<T>(
  file: string,
  work: () => Promise<T>,
  onWait?: (holder: number) => void,
): Promise<T> {
  let told = false;
  for (;;) {
    const attempt = await tryFileLock(file);
    if ('release' in attempt) {
      try {
        return await work();
      } finally {
        await attempt.release();
      }
    }
    if (!told) onWait?.(attempt.holder);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { isProcessAlive } from './process-alive.js';

const POLL_MS = 500;

/**
 * Runs `work` while holding `file`, an exclusive lock between processes: it holds the owner's pid
 * and appears complete, by a hard link from a private file (no one ever reads it half-written). While another live process holds it, waits (`onWait` is told once, with
 * its pid); a lock left by a process that is gone is taken over. Two processes taking over the same
 * stale lock at the same moment can both proceed: callers must stay correct then, only slower.
 */
export async function withFileLock<T>(
  file: string,
  work: () => Promise<T>,
  onWait?: (holder: number) => void,
): Promise<T> {
  await mkdir(path.dirname(file), { recursive: true });
  const mine = `${file}.${randomUUID()}`;
  await writeFile(mine, String(process.pid));
  let told = false;
  for (;;) {
    try {
      await link(mine, file);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        await unlink(mine).catch(() => undefined);
        throw error;
      }
    }
    const holder = await readFile(file, 'utf8').then(Number, () => undefined);
    if (holder === undefined) continue; // released meanwhile
    if (!isProcessAlive(holder)) {
      await unlink(file).catch(() => undefined);
      continue;
    }
    if (!told) onWait?.(holder);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await unlink(mine);
  try {
    return await work();
  } finally {
    await unlink(file).catch(() => undefined);
  }
}

import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { stateDir } from '../core/state-dir.js';
import { debugLog } from '../core/debug-log.js';

/**
 * A record per write in progress, kept outside the workspace: a write killed
 * between creating its temporary file and renaming it leaves that file behind,
 * and only a record says where (the harness cannot walk every workspace it
 * ever wrote to). One small file per write, named by a hash of the temporary
 * path, holding that path, its workspace root and the writer's pid.
 */
interface PendingWrite {
  pid: number;
  root: string;
  path: string;
  /** The record itself. */
  record: string;
}

const recordSchema = z.object({ pid: z.number().int().positive(), root: z.string(), path: z.string() });

function journalDir(): string {
  return path.join(stateDir(), 'pending-writes');
}

/**
 * Records a temporary file about to be created; the returned function forgets
 * it once the file was renamed or removed. Best effort: a state directory that
 * cannot be written costs only the clean-up after a crash, never the write.
 */
export async function recordPendingWrite(root: string, temporary: string): Promise<() => Promise<void>> {
  const dir = journalDir();
  const record = path.join(dir, `${createHash('sha256').update(temporary).digest('hex').slice(0, 32)}.json`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(record, JSON.stringify({ pid: process.pid, root, path: temporary }), { mode: 0o600 });
  } catch (error) {
    debugLog.swallowed('write journal: recording a pending write', error);
    return async () => {};
  }
  return () =>
    rm(record, { force: true }).catch((error: unknown) =>
      debugLog.swallowed('write journal: removing a record', error),
    );
}

/** Every record in the journal; unreadable or malformed ones are dropped. */
export async function pendingWrites(): Promise<PendingWrite[]> {
  const dir = journalDir();
  const names = await readdir(dir).catch(() => []);
  const found: PendingWrite[] = [];
  for (const name of names) {
    const record = path.join(dir, name);
    const parsed = recordSchema.safeParse(await readJson(record));
    if (parsed.success) found.push({ ...parsed.data, record });
    else
      await rm(record, { force: true, recursive: true }).catch((error: unknown) =>
        debugLog.swallowed('write journal: removing an invalid record', error),
      );
  }
  return found;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    debugLog.swallowed('write journal: reading a record', error);
    return undefined;
  }
}

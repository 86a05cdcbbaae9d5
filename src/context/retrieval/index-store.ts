import { createHash } from 'node:crypto';
import { mkdir, readdir, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { debuglog } from 'node:util';
import { isProcessAlive } from '../../core/process-alive.js';
import { readConfined, writeConfined } from '../../fs/confined.js';
import type { IndexSnapshot } from './repo-index.js';
import { checkSnapshot } from './snapshot-check.js';
import { debugLog } from '../../core/debug-log.js';

/** NODE_DEBUG=agent shows why a cached index was not used. */
const debug = debuglog('agent');

/** V8 cannot hold a longer string, so a bigger cache could never be parsed anyway. */
const MAX_CACHE_BYTES = 512 * 1024 * 1024;

/**
 * Where indexes live: $AGENT_CACHE_DIR, else $XDG_CACHE_HOME/agent, else
 * ~/.cache/agent. Never inside the repository, so indexing leaves no trace there.
 */
export function defaultCacheDir(): string {
  if (process.env.AGENT_CACHE_DIR) return process.env.AGENT_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'agent');
}

/** One file per repository, keyed by a hash of its real path. */
export function indexFileFor(realRoot: string, cacheDir: string): string {
  const key = createHash('sha256').update(realRoot).digest('hex').slice(0, 24);
  return path.join(cacheDir, 'index', `${key}.json`);
}

/**
 * The cached index when it is present and passes checkSnapshot; undefined
 * means build from scratch. Read like a workspace file (regular file only,
 * bounded): the cache directory may be reachable from the sandbox.
 */
export async function loadSnapshot(file: string): Promise<IndexSnapshot | undefined> {
  let value: unknown;
  try {
    const dir = await realpath(path.dirname(file));
    const text = await readConfined(dir, path.join(dir, path.basename(file)), { maxBytes: MAX_CACHE_BYTES });
    value = JSON.parse(text.toString('utf8'));
  } catch (error) {
    debugLog.swallowed('retrieval: loading the index cache', error);
    return undefined; // missing or unreadable: rebuild
  }
  const checked = checkSnapshot(value);
  if ('problem' in checked) {
    debug('index cache %s not used (%s); rebuilding', file, checked.problem);
    return undefined;
  }
  return checked.snapshot;
}

/**
 * Writes atomically (a crash never leaves half an index); a failed write
 * removes its temporary file, and one left by a killed process is removed at
 * the next start (src/fs/interrupted-writes.ts).
 */
export async function saveJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const dir = await realpath(path.dirname(file));
  await writeConfined(dir, path.join(dir, path.basename(file)), JSON.stringify(value));
}

/** Temporary files of saves by earlier versions: `<file>.<pid>.tmp`. */
const PID_TEMPORARY = /^[0-9a-f]{24}\.json\.(\d+)\.tmp$/;

/** Removes what saves by earlier versions left when their process died mid-write. */
export async function removeAbandonedSaves(cacheDir: string): Promise<void> {
  const dir = path.join(cacheDir, 'index');
  for (const name of await readdir(dir).catch(() => [])) {
    const pid = PID_TEMPORARY.exec(name)?.[1];
    if (pid !== undefined && !isProcessAlive(Number(pid))) await rm(path.join(dir, name), { force: true });
  }
}

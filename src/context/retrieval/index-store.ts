import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

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

export async function loadJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined; // missing or corrupt: rebuild from scratch
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half an index. */
export async function saveJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(value));
  await rename(temporary, file);
}

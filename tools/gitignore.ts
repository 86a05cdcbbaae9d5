import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export interface WalkedFile {
  absolute: string;
  /** Relative to the workspace root, forward slashes. */
  relative: string;
  /** Symlinks are reported but never followed, so a walk cannot leave the workspace. */
  symlink: boolean;
}

/** The rules of one .gitignore file, which apply to paths below the directory holding it. */
interface IgnoreLevel {
  dir: string;
  rules: Ignore;
}

/**
 * Files under `start` (a directory or file inside `root`), depth first in name
 * order, skipping .git and whatever the .gitignore files from `root` down say.
 */
export async function* walkFiles(
  root: string,
  start: string,
  signal?: AbortSignal,
): AsyncGenerator<WalkedFile> {
  const info = await stat(start);
  if (!info.isDirectory()) {
    yield { absolute: start, relative: relativeTo(root, start), symlink: false };
    return;
  }
  const levels: IgnoreLevel[] = [];
  if (start !== root)
    for (const dir of ancestorsFrom(root, path.dirname(start))) await pushLevel(levels, dir);
  if (isIgnored(levels, start, true)) return;
  yield* walkDirectory(root, start, levels, signal);
}

async function* walkDirectory(
  root: string,
  dir: string,
  parentLevels: IgnoreLevel[],
  signal?: AbortSignal,
): AsyncGenerator<WalkedFile> {
  signal?.throwIfAborted();
  const levels = [...parentLevels];
  await pushLevel(levels, dir);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // unreadable directories are skipped, as git and ripgrep do
  }
  entries.sort((a, b) => byCodePoint(a.name, b.name));
  for (const entry of entries) {
    if (entry.name === '.git') continue;
    const absolute = path.join(dir, entry.name);
    const isDirectory = entry.isDirectory();
    if (isIgnored(levels, absolute, isDirectory)) continue;
    if (isDirectory) yield* walkDirectory(root, absolute, levels, signal);
    else if (entry.isFile() || entry.isSymbolicLink()) {
      yield { absolute, relative: relativeTo(root, absolute), symlink: entry.isSymbolicLink() };
    }
  }
}

/** Plain code-point order, the same on every machine (unlike localeCompare). */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Later (deeper) .gitignore files override earlier ones, including re-including with `!pattern`. */
function isIgnored(levels: IgnoreLevel[], absolute: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const level of levels) {
    const rel = path.relative(level.dir, absolute).split(path.sep).join('/');
    if (rel === '' || rel.startsWith('..')) continue;
    const result = level.rules.test(isDirectory ? `${rel}/` : rel);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

async function pushLevel(levels: IgnoreLevel[], dir: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path.join(dir, '.gitignore'), 'utf8');
  } catch {
    return;
  }
  levels.push({ dir, rules: ignore().add(text) });
}

/** `root`, then each directory down to and including `dir`. */
function ancestorsFrom(root: string, dir: string): string[] {
  const rel = path.relative(root, dir);
  if (rel === '' || rel.startsWith('..')) return [root];
  const parts = rel.split(path.sep);
  return [root, ...parts.map((_, i) => path.join(root, ...parts.slice(0, i + 1)))];
}

function relativeTo(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { NestedIgnoreRules } from './ignore-rules.js';

export interface WalkedFile {
  absolute: string;
  /** Relative to the workspace root, forward slashes. */
  relative: string;
  /** Symlinks are reported but never followed, so a walk cannot leave the workspace. */
  symlink: boolean;
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
  let rules = NestedIgnoreRules.none(['.gitignore']);
  if (start !== root) {
    for (const dir of ancestorsFrom(root, path.dirname(start))) rules = rules.child(root, dir);
    if (rules.ignores(relativeTo(root, start), true)) return;
  }
  yield* walkDirectory(root, start, rules, signal);
}

async function* walkDirectory(
  root: string,
  dir: string,
  parentRules: NestedIgnoreRules,
  signal?: AbortSignal,
): AsyncGenerator<WalkedFile> {
  signal?.throwIfAborted();
  const rules = parentRules.child(root, relativeTo(root, dir));
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
    const relative = relativeTo(root, absolute);
    const isDirectory = entry.isDirectory();
    if (rules.ignores(relative, isDirectory)) continue;
    if (isDirectory) yield* walkDirectory(root, absolute, rules, signal);
    else if (entry.isFile() || entry.isSymbolicLink()) {
      yield { absolute, relative, symlink: entry.isSymbolicLink() };
    }
  }
}

/** Plain code-point order, the same on every machine (unlike localeCompare). */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** '' (the root), then each directory down to and including `dir`, relative to `root`. */
function ancestorsFrom(root: string, dir: string): string[] {
  const rel = relativeTo(root, dir);
  if (rel === '' || rel.startsWith('..')) return [''];
  const parts = rel.split('/');
  return ['', ...parts.map((_, i) => parts.slice(0, i + 1).join('/'))];
}

function relativeTo(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}

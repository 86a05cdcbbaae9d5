import { stat } from 'node:fs/promises';
import path from 'node:path';
import { readdirConfined } from '../confined.js';
import { MAX_WALK_DEPTH } from './limits.js';
import type { DirectoryRules, Visibility } from './policy.js';
import { debugLog } from '../../core/debug-log.js';

export interface WalkedFile {
  absolute: string;
  /** Relative to the workspace root, forward slashes. */
  relative: string;
  /** Symlinks are reported but never followed, so a walk cannot leave the workspace. */
  symlink: boolean;
}

/**
 * Files the policy shows under `start` (a directory or file inside the root),
 * depth first in name order. Directories are listed through confined
 * descriptors, so one swapped for a symlink out of the workspace is skipped.
 * `notices` collects the rule files that could not be applied.
 */
export async function* walkVisible(
  visibility: Visibility,
  start: string,
  options: { signal?: AbortSignal; notices?: Set<string> } = {},
): AsyncGenerator<WalkedFile> {
  const root = visibility.root;
  const notices = options.notices ?? new Set<string>();
  const info = await stat(start);
  if (!info.isDirectory()) {
    const relative = relativeTo(root, start);
    // A file searched by name is judged as read judges it.
    if (visibility.judge('named', notices)(relative) === undefined)
      yield { absolute: start, relative, symlink: false };
    return;
  }
  let rules = visibility.rootRules(notices);
  if (start !== root) {
    const relative = relativeTo(root, start);
    if (visibility.judge('walked', notices)(relative, true) !== undefined) return;
    for (const dir of ancestorsBelowRoot(relative)) rules = rules.child(dir);
  }
  yield* walkDirectory(root, start, rules, notices, options.signal);
}

async function* walkDirectory(
  root: string,
  dir: string,
  rules: DirectoryRules,
  notices: Set<string>,
  signal?: AbortSignal,
): AsyncGenerator<WalkedFile> {
  signal?.throwIfAborted();
  let entries;
  try {
    entries = await readdirConfined(root, dir);
  } catch (error) {
    debugLog.swallowed('walk: reading a directory', error);
    return; // unreadable directories are skipped, as git and ripgrep do
  }
  entries.sort((a, b) => byCodePoint(a.name, b.name));
  for (const entry of entries) {
    const absolute = path.join(dir, entry.name);
    const relative = relativeTo(root, absolute);
    const isDirectory = entry.isDirectory();
    if (rules.hides(relative, isDirectory)) continue;
    if (isDirectory) {
      if (depthOf(relative) > MAX_WALK_DEPTH) notices.add(TOO_DEEP);
      else yield* walkDirectory(root, absolute, rules.child(relative), notices, signal);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      yield { absolute, relative, symlink: entry.isSymbolicLink() };
    }
  }
}

const TOO_DEEP = `directories more than ${MAX_WALK_DEPTH} levels deep were not looked into`;

function depthOf(relative: string): number {
  return relative.split('/').length;
}

/** Plain code-point order, the same on every machine (unlike localeCompare). */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each directory from the root's child down to and including `relative` ('a', 'a/b', ...). */
function ancestorsBelowRoot(relative: string): string[] {
  const parts = relative.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

function relativeTo(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}

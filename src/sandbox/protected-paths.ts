import { lstatSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { isInside, realOfNearestExisting } from '../fs/paths.js';

/** Places inside the workspace the sandbox must not write (git's) or must not see at all (the harness's own). */
export interface ProtectedPaths {
  /** Workspace-relative paths mounted read-only: the repository's `.git` and the git directory it names. */
  readOnly: string[];
  /** Workspace-relative paths covered by an empty read-only mount. */
  hidden: string[];
}

/**
 * Git runs hooks, fsmonitor and filters named in its directory: writable from the sandbox, they would
 * run on the host at the user's next `git status`. The harness's cache, state and configuration must
 * not be read or forged by the model's commands when they happen to lie inside the workspace.
 */
export function protectedPaths(workspace: string, harnessDirs: readonly string[]): ProtectedPaths {
  const root = realpathSync(workspace);
  const hidden: string[] = [];
  for (const dir of harnessDirs) {
    const inside = relativeInside(root, realOfNearestExisting(dir));
    if (!inside) continue;
    // The mount point must exist before the container starts; the engine would otherwise create it as root.
    mkdirSync(path.join(root, inside), { recursive: true });
    hidden.push(inside);
  }
  return { readOnly: gitPaths(root), hidden };
}

function gitPaths(root: string): string[] {
  const dotGit = path.join(root, '.git');
  let isFile: boolean;
  try {
    const stat = lstatSync(dotGit);
    // A symlinked .git is mounted where it leads, if that is in the workspace.
    if (stat.isSymbolicLink()) return optional(relativeInside(root, realOfNearestExisting(dotGit)));
    isFile = stat.isFile();
  } catch {
    return [];
  }
  if (!isFile) return ['.git'];
  // A worktree's or submodule's `.git` file names its git directory: protect that too if it is in here.
  const named = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
  return [
    '.git',
    ...optional(named && relativeInside(root, realOfNearestExisting(path.resolve(root, named)))),
  ];
}

/** p relative to root when strictly inside it, else undefined. */
function relativeInside(root: string, p: string): string | undefined {
  const relative = path.relative(root, p);
  return relative && isInside(root, p) ? relative : undefined;
}

function optional(p: string | undefined): string[] {
  return p ? [p] : [];
}

import { lstatSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

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
    const inside = relativeInside(root, realOrResolved(dir));
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
    if (stat.isSymbolicLink()) return optional(relativeInside(root, realOrResolved(dotGit)));
    isFile = stat.isFile();
  } catch {
    return [];
  }
  if (!isFile) return ['.git'];
  // A worktree's or submodule's `.git` file names its git directory: protect that too if it is in here.
  const named = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
  return ['.git', ...optional(named && relativeInside(root, realOrResolved(path.resolve(root, named))))];
}

/** p relative to root when strictly inside it, else undefined. */
function relativeInside(root: string, p: string): string | undefined {
  const relative = path.relative(root, p);
  if (!relative || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative))
    return undefined;
  return relative;
}

/** The real path of p, or of its deepest existing ancestor joined with the rest when p does not exist yet. */
function realOrResolved(p: string): string {
  const absolute = path.resolve(p);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = path.dirname(absolute);
    return parent === absolute ? absolute : path.join(realOrResolved(parent), path.basename(absolute));
  }
}

function optional(p: string | undefined): string[] {
  return p ? [p] : [];
}

import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { readConfinedSync } from '../fs/confined.js';
import { isInside, realOfNearestExisting } from '../fs/paths.js';
import { hostGit } from '../git/host-git.js';

/** Places inside the workspace the sandbox must not write (git's) or must not see at all (the harness's own). */
export interface ProtectedPaths {
  /**
   * Workspace-relative paths mounted read-only: the repository's `.git`, its submodules' (at any
   * depth), and the git directories they name.
   */
  readOnly: string[];
  /** Workspace-relative paths covered by an empty read-only mount. */
  hidden: string[];
}

/**
 * Git runs hooks, fsmonitor and filters named in its directory: writable from the sandbox, they would
 * run on the host at the user's next `git status`. The harness's cache, state and configuration must
 * not be read or forged by the model's commands when they happen to lie inside the workspace.
 */
export async function protectedPaths(
  workspace: string,
  harnessDirs: readonly string[],
): Promise<ProtectedPaths> {
  const root = realpathSync(workspace);
  const hidden: string[] = [];
  for (const dir of harnessDirs) {
    const inside = relativeInside(root, realOfNearestExisting(dir));
    if (!inside) continue;
    // The mount point must exist before the container starts; the engine would otherwise create it as root.
    mkdirSync(path.join(root, inside), { recursive: true });
    hidden.push(inside);
  }
  // Submodules are looked for even without a .git here: the workspace may be a directory of a repository.
  return { readOnly: [...gitPaths(root, ''), ...(await submoduleGitPaths(root, ''))], hidden };
}

const run = promisify(execFile);

/** The largest `.git` file git itself reads. */
const MAX_GITFILE_BYTES = 1024 * 1024;

/**
 * A submodule's `.git` is a file in the work tree naming its git directory:
 * rewritten by the sandbox to name a directory of its own (fsmonitor, filter
 * drivers), the user's next `git status` in the superproject runs it on the
 * host, as git looks into every submodule. So the `.git` of every submodule the
 * index records is mounted read-only too, and the same for theirs.
 */
async function submoduleGitPaths(root: string, repository: string): Promise<string[]> {
  const cwd = path.join(root, repository);
  let listing: string;
  try {
    const git = await hostGit(cwd);
    ({ stdout: listing } = await run('git', [...git.args, 'ls-files', '--stage', '-z'], {
      cwd,
      env: git.env,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 30_000,
    }));
  } catch {
    return []; // no git, or not a repository git can read: nothing it would run from
  }
  const found: string[] = [];
  for (const record of listing.split('\0')) {
    const match = /^160000 [0-9a-f]+ \d+\t(.+)$/s.exec(record);
    if (!match) continue;
    const submodule = path.join(repository, match[1]!);
    const paths = gitPaths(root, submodule);
    if (paths.length === 0) continue; // not checked out
    found.push(...paths, ...(await submoduleGitPaths(root, submodule)));
  }
  return found;
}

/** `.git` of the repository at `repository` (relative to root) and the git directory it names, if in the workspace. */
function gitPaths(root: string, repository: string): string[] {
  const own = path.join(repository, '.git');
  const dotGit = path.join(root, own);
  let isFile: boolean;
  try {
    const stat = lstatSync(dotGit);
    // A symlinked .git is mounted where it leads, if that is in the workspace.
    if (stat.isSymbolicLink()) return optional(relativeInside(root, realOfNearestExisting(dotGit)));
    isFile = stat.isFile();
  } catch {
    return [];
  }
  if (!isFile) return [own];
  // A worktree's or submodule's `.git` file names its git directory: protect that too if it is in here.
  // Read as git reads it: a regular file of at most 1 MB (git refuses a larger one), never a planted giant.
  const content = readConfinedSync(root, dotGit, MAX_GITFILE_BYTES)?.toString('utf8') ?? '';
  const named = /^gitdir: (.+)$/m.exec(content)?.[1]?.trim();
  return [
    own,
    ...optional(
      named && relativeInside(root, realOfNearestExisting(path.resolve(path.dirname(dotGit), named))),
    ),
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

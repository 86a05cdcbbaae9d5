import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { ShadowRepo } from './shadow-repo.js';

/** Files larger than this are left out of snapshots (and named as such): a checkpoint is not a backup of build artefacts. */
const MAX_SNAPSHOT_FILE_BYTES = 5 * 1024 * 1024;

/** What git's bytes decode to where a file name is not UTF-8 (a command can name a file anything). */
const NOT_UTF8 = '\uFFFD';

/** Up to this many changed files are added by name; more, and git walks the tree for them. */
const MAX_LISTED_CHANGES = 200;

/** The workspace's files at one moment, as a tree in the shadow repository. */
export interface Snapshot {
  tree: string;
  /** Files present but left out (too large, not a regular file or symlink, a nested repository), with why. */
  uncovered: Uncovered[];
}

export interface Uncovered {
  path: string;
  reason: 'too large' | 'not a regular file' | 'nested repository';
}

/**
 * Records the workspace into the shadow index and writes its tree. The index
 * keeps each file's stat data, so one walk (a stat per file) finds what changed
 * since the last snapshot, and only that is read and hashed. Ignored files (.gitignore, the user's
 * info/exclude and global excludes) are not part of it; symlinks are stored as
 * links, never followed. The candidates (new, modified or deleted since the
 * index) are checked against the size and type caps before anything is hashed.
 */
export async function takeSnapshot(repo: ShadowRepo): Promise<Snapshot> {
  const candidates = (await repo.run(['ls-files', '-z', '--others', '--modified', '--exclude-standard']))
    .split('\0')
    .filter(Boolean);
  const uncovered: Uncovered[] = [];
  const changed: string[] = [];
  // Files under a directory since replaced by a link (or a file): gone, and `git add` refuses to name them.
  const gone: string[] = [];
  const directories = new DirectoryCheck(repo.root);
  for (const file of new Set(candidates)) {
    if (!(await directories.parentsAreDirectories(file))) {
      gone.push(file);
      continue;
    }
    const why = await exclusion(repo.root, file);
    if (why) uncovered.push({ path: file.replace(/\/$/, ''), reason: why });
    else changed.push(file);
  }
  // Left out of the index altogether: a stale copy there would claim content the file no longer has.
  const dropped = [...gone, ...uncovered.map((e) => e.path)];
  if (dropped.length > 0) {
    await repo.run([
      'rm',
      '--cached',
      '--quiet',
      '--ignore-unmatch',
      '-r',
      `--pathspec-from-file=${await repo.scratch('drop.pathspec', literalList(dropped))}`,
      '--pathspec-file-nul',
    ]);
  }
  if (changed.length > 0) {
    const pathspec =
      // A few files: only they are looked at. Many (a first snapshot): one
      // pass over the tree beats matching each path against thousands of pathspecs.
      // A name that is not UTF-8 reached us mangled and would match nothing: git's pass names it itself.
      changed.length <= MAX_LISTED_CHANGES && !changed.some((file) => file.includes(NOT_UTF8))
        ? literalList(changed)
        : ['.', ...uncovered.map((entry) => `:(exclude,literal)${entry.path}`)].map((p) => `${p}\0`).join('');
    await repo.run([
      'add',
      '--all',
      `--pathspec-from-file=${await repo.scratch('add.pathspec', pathspec)}`,
      '--pathspec-file-nul',
    ]);
  }
  const tree = (await repo.run(['write-tree'])).trim();
  return { tree, uncovered };
}

/** Paths either side of a comparison left out, sorted: what the comparison cannot speak for. */
export function uncoveredPaths(...sides: { uncovered: Uncovered[] }[]): string[] {
  return [...new Set(sides.flatMap((side) => side.uncovered.map((entry) => entry.path)))].sort();
}

function literalList(paths: string[]): string {
  return paths.map((p) => `:(literal)${p}\0`).join('');
}

/**
 * Whether every directory above a workspace-relative path is a real directory,
 * checked without following links (a link's target is not the workspace's):
 * the sandbox may have turned one into a link since the last snapshot.
 */
class DirectoryCheck {
  private readonly known = new Map<string, Promise<boolean>>();

  constructor(private readonly root: string) {}

  parentsAreDirectories(file: string): Promise<boolean> {
    const parent = path.posix.dirname(file.replace(/\/$/, ''));
    return parent === '.' ? Promise.resolve(true) : this.isDirectoryChain(parent);
  }

  private isDirectoryChain(dir: string): Promise<boolean> {
    let answer = this.known.get(dir);
    if (!answer) {
      answer = this.parentsAreDirectories(dir).then(
        async (above) =>
          above && ((await lstat(path.join(this.root, dir)).catch(() => undefined))?.isDirectory() ?? false),
      );
      this.known.set(dir, answer);
    }
    return answer;
  }
}

async function exclusion(root: string, file: string): Promise<Uncovered['reason'] | undefined> {
  // git lists a directory holding its own repository with a trailing slash.
  if (file.endsWith('/')) return 'nested repository';
  const info = await lstat(path.join(root, file)).catch(() => undefined);
  if (!info || info.isSymbolicLink()) return undefined; // deleted, or a link (stored as one)
  if (!info.isFile()) return 'not a regular file';
  return info.size > MAX_SNAPSHOT_FILE_BYTES ? 'too large' : undefined;
}

import type { SimpleGit } from 'simple-git';

/** `git status` as the harness needs it: where HEAD is, and every path that differs from it. */
export interface GitStatus {
  /** The current branch; undefined when HEAD is detached. */
  branch: string | undefined;
  /** The commit HEAD points to; undefined before the first commit. */
  head: string | undefined;
  /**
   * Each changed path (relative to the repository's top level) with its
   * status record minus the path: what is staged, what differs in the work
   * tree, the modes and the object ids. Untracked files are listed one by one.
   */
  entries: Map<string, string>;
}

/**
 * One `git status --porcelain=v2 -z` call (machine-readable and stable across
 * git versions and locales), limited to `pathspec` when given (taken literally).
 * Submodules are not looked into: git would run `git status` inside each one,
 * with the git directory its `.git` file names and that directory's config, and
 * that file is the sandbox's to rewrite (a filter driver there ran on the
 * host). Only the command-line flag counts: `.gitmodules`, also the sandbox's,
 * overrides the `diff.ignoreSubmodules` setting. The sandbox cannot commit in a
 * submodule (its git directory lies under the read-only .git), so nothing a turn
 * did is hidden by this.
 */
export async function readStatus(git: SimpleGit, pathspec?: string): Promise<GitStatus> {
  const output = await git.raw([
    '--literal-pathspecs',
    'status',
    '--porcelain=v2',
    '--branch',
    '--untracked-files=all',
    '--ignore-submodules=all',
    '-z',
    ...(pathspec ? ['--', pathspec] : []),
  ]);
  return parseStatus(output);
}

/** Fields before the path in each kind of record (porcelain v2). */
const FIELDS_BEFORE_PATH: Record<string, number> = { '1': 8, '2': 9, u: 10, '?': 1 };

function parseStatus(output: string): GitStatus {
  const status: GitStatus = { branch: undefined, head: undefined, entries: new Map() };
  const records = output.split('\0');
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (record.startsWith('# branch.oid ')) {
      const oid = record.slice('# branch.oid '.length);
      status.head = oid === '(initial)' ? undefined : oid;
      continue;
    }
    if (record.startsWith('# branch.head ')) {
      const head = record.slice('# branch.head '.length);
      status.branch = head === '(detached)' ? undefined : head;
      continue;
    }
    const fields = FIELDS_BEFORE_PATH[record[0] ?? ''];
    if (fields === undefined) continue;
    // The path may hold spaces: it is everything after the fixed fields.
    let at = -1;
    for (let field = 0; field < fields; field++) at = record.indexOf(' ', at + 1);
    const state = record.slice(0, at);
    status.entries.set(record.slice(at + 1), state);
    // A staged rename: the next record is the path it came from, which changed too.
    if (record[0] === '2') status.entries.set(records[++i]!, `${state} (renamed away)`);
  }
  return status;
}

import { createTwoFilesPatch } from 'diff';

/**
 * The unified diff of a whole-file change, for people (approvals, the
 * transcript, /diff); the model gets the edit tool's own short diff instead.
 */
export function unifiedDiff(
  path: string,
  before: string,
  after: string,
  /** Which sides exist: a created file is diffed from /dev/null, a deleted one to it (as git does). */
  exists: { before: boolean; after: boolean } = { before: true, after: true },
): string {
  const from = exists.before ? `a/${path}` : '/dev/null';
  const to = exists.after ? `b/${path}` : '/dev/null';
  const patch = createTwoFilesPatch(from, to, before, after, '', '', { context: 3 });
  // The "===" line and the empty header fields carry nothing a reader needs.
  return patch.replace(/^=+\n/, '').replace(/^(---|\+\+\+) (.*)\t\n/gm, '$1 $2\n');
}

/** Lines added and removed in a unified diff. */
export function countChanges(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) added++;
    else if (line.startsWith('-') && !line.startsWith('---')) removed++;
  }
  return { added, removed };
}

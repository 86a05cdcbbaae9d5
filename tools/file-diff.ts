import { createTwoFilesPatch, formatPatch } from 'diff';

/**
 * Bounds on the minimal diff: Myers' algorithm costs about the square of the number of changed
 * lines, so a replace_all over 200,000 lines would hold the main thread for many minutes. Past
 * either bound the change is shown as one hunk from its first to its last changed line instead.
 */
const MAX_EDIT_LENGTH = 2_000;
const MAX_DIFF_MS = 1_000;
const CONTEXT = 3;

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
  const patch =
    createTwoFilesPatch(from, to, before, after, '', '', {
      context: CONTEXT,
      maxEditLength: MAX_EDIT_LENGTH,
      timeout: MAX_DIFF_MS,
    }) ?? oneHunk(from, to, before, after);
  // The "===" line and the empty header fields carry nothing a reader needs.
  return patch.replace(/^=+\n/, '').replace(/^(---|\+\+\+) (.*)\t\n/gm, '$1 $2\n');
}

/** The change as a single hunk around everything between the common first and last lines: linear time. */
function oneHunk(from: string, to: string, before: string, after: string): string {
  const [old, now] = [linesOf(before), linesOf(after)];
  let head = 0;
  while (head < old.length && head < now.length && old[head] === now[head]) head++;
  let tail = 0;
  while (tail < old.length - head && tail < now.length - head && old.at(-1 - tail) === now.at(-1 - tail))
    tail++;
  const start = Math.max(0, head - CONTEXT);
  const contextAfter = Math.min(tail, CONTEXT);
  const [oldEnd, nowEnd] = [old.length - tail + contextAfter, now.length - tail + contextAfter];
  const shown = (mark: string, lines: string[]) =>
    lines.flatMap((line) =>
      line.endsWith('\n') ? [mark + line.slice(0, -1)] : [mark + line, '\\ No newline at end of file'],
    );
  const lines = [
    ...shown(' ', old.slice(start, head)),
    ...shown('-', old.slice(head, old.length - tail)),
    ...shown('+', now.slice(head, now.length - tail)),
    ...shown(' ', old.slice(old.length - tail, oldEnd)),
  ];
  const hunk = {
    oldStart: start + 1,
    oldLines: oldEnd - start,
    newStart: start + 1,
    newLines: nowEnd - start,
    lines,
  };
  return formatPatch({ oldFileName: from, newFileName: to, oldHeader: '', newHeader: '', hunks: [hunk] });
}

/** Lines with their line breaks, so that a last line without one differs from the same line with one. */
const linesOf = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

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

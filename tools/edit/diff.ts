/** One replaced run of whole lines: `removed` (starting at 0-based line `first` of the old text) became `added`. */
export interface LineChange {
  first: number;
  removed: string[];
  added: string[];
}

const CONTEXT = 2;
const MAX_DIFF_LINES = 60;

/** The text before the edit, line by line. */
export interface Lines {
  count: number;
  at(index: number): string;
}

/** A short unified-style diff with line numbers, capped so big edits do not flood the model's context. */
export function shortDiff(before: Lines, changes: LineChange[]): string {
  const out: string[] = [];
  let shift = 0;
  let shownUpTo = 0;
  for (const change of changes.map(tighten)) {
    const from = Math.max(shownUpTo, change.first - CONTEXT);
    const afterEnd = change.first + change.removed.length;
    const to = Math.min(before.count, afterEnd + CONTEXT);
    const newFirst = change.first + shift;
    out.push(
      `@@ -${from + 1},${to - from} +${from + shift + 1},${to - from - change.removed.length + change.added.length} @@`,
    );
    for (let i = from; i < change.first; i++) out.push(row(' ', i + shift, before.at(i)));
    change.removed.forEach((line, i) => out.push(row('-', change.first + i, line)));
    change.added.forEach((line, i) => out.push(row('+', newFirst + i, line)));
    shift += change.added.length - change.removed.length;
    for (let i = afterEnd; i < to; i++) out.push(row(' ', i + shift, before.at(i)));
    shownUpTo = to;
  }
  if (out.length <= MAX_DIFF_LINES) return out.join('\n');
  return [...out.slice(0, MAX_DIFF_LINES), `... diff cut: ${out.length - MAX_DIFF_LINES} more lines`].join(
    '\n',
  );
}

/** Drops lines the change left as they were from both ends, so the diff shows only what changed. */
function tighten(change: LineChange): LineChange {
  const { removed, added } = change;
  let head = 0;
  while (head < removed.length && head < added.length && removed[head] === added[head]) head++;
  let tail = 0;
  while (
    tail < removed.length - head &&
    tail < added.length - head &&
    removed[removed.length - 1 - tail] === added[added.length - 1 - tail]
  ) {
    tail++;
  }
  return {
    first: change.first + head,
    removed: removed.slice(head, removed.length - tail),
    added: added.slice(head, added.length - tail),
  };
}

const row = (mark: string, index: number, line: string): string =>
  `${mark}${String(index + 1).padStart(5)} ${line.replace(/\r$/, '')}`;

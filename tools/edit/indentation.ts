/** How a text indents: columns per level, and how tabs figure in it. */
export interface IndentStyle {
  /** Columns one level of indentation spans. */
  unit: number;
  /** Columns between tab stops. */
  tabColumns: number;
  /** Whether leading whitespace is written with a tab for every `tabColumns` columns. */
  tabs: boolean;
}

/** An indentation split into whole levels of a style plus leftover alignment spaces. */
interface IndentDepth {
  levels: number;
  extra: number;
}

/** Tab width assumed unless the file shows otherwise (GNU style: spaces for a level, a tab for eight columns). */
const TAB_COLUMNS = 4;
const GNU_TAB_COLUMNS = 8;

export const leadingWhitespace = (line: string): string => /^[ \t]*/.exec(line)![0];

const isBlank = (line: string): boolean => line.trim() === '';

/** Width of an indentation in columns, tabs advancing to the next tab stop. */
export function indentColumns(indent: string, tabColumns = TAB_COLUMNS): number {
  let columns = 0;
  for (const ch of indent)
    columns = ch === '\t' ? (Math.floor(columns / tabColumns) + 1) * tabColumns : columns + 1;
  return columns;
}

/** The dominant indentation style of some lines, or null when they carry no indentation at all. */
export function detectStyle(lines: string[]): IndentStyle | null {
  const indents = lines.filter((line) => !isBlank(line) && /^[ \t]/.test(line)).map(leadingWhitespace);
  if (indents.length === 0) return null;
  const tabbed = indents.filter((indent) => indent.includes('\t'));
  if (isGnuStyle(indents, tabbed)) {
    return { unit: spaceUnitOf(lines, GNU_TAB_COLUMNS), tabColumns: GNU_TAB_COLUMNS, tabs: true };
  }
  if (tabbed.length * 2 > indents.length) return { unit: TAB_COLUMNS, tabColumns: TAB_COLUMNS, tabs: true };
  return { unit: spaceUnitOf(lines, TAB_COLUMNS), tabColumns: TAB_COLUMNS, tabs: false };
}

/**
 * GNU style writes the first levels in spaces and every eight columns as a tab: space-only indents
 * all stay under eight columns while some tab is followed by a level's worth of spaces.
 */
function isGnuStyle(indents: string[], tabbed: string[]): boolean {
  const spaceOnly = indents.filter((indent) => !indent.includes('\t')).map((indent) => indent.length);
  return (
    spaceOnly.some((width) => width >= 2) &&
    spaceOnly.every((width) => width < GNU_TAB_COLUMNS) &&
    tabbed.some((indent) => /^\t+ {2,7}$/.test(indent))
  );
}

/** Most common increase of indentation (in columns) between consecutive lines; the smallest indent when there is none. */
function spaceUnitOf(lines: string[], tabColumns: number): number {
  const widths = lines
    .filter((line) => !isBlank(line))
    .map((line) => indentColumns(leadingWhitespace(line), tabColumns));
  const counts = new Map<number, number>();
  for (let i = 1; i < widths.length; i++) {
    const delta = widths[i]! - widths[i - 1]!;
    if (delta > 0 && delta <= 8) counts.set(delta, (counts.get(delta) ?? 0) + 1);
  }
  let best = 0;
  for (const [delta, count] of counts) {
    if (best === 0 || count > counts.get(best)! || (count === counts.get(best) && delta < best)) best = delta;
  }
  if (best > 0) return best;
  const smallest = Math.min(...widths.filter((width) => width > 0));
  return Number.isFinite(smallest) && smallest <= 8 ? smallest : 4;
}

function measure(indent: string, style: IndentStyle): IndentDepth {
  const columns = indentColumns(indent, style.tabColumns);
  return { levels: Math.floor(columns / style.unit), extra: columns % style.unit };
}

/** `columns` of indentation written the way the style writes it. */
export function renderIndent(columns: number, style: IndentStyle): string {
  const width = Math.max(0, columns);
  if (!style.tabs) return ' '.repeat(width);
  return '\t'.repeat(Math.floor(width / style.tabColumns)) + ' '.repeat(width % style.tabColumns);
}

/**
 * Moves indentation written relative to `modelReference` (in the model's style) onto `fileReference`
 * (in the file's style), level for level: the model's block may sit at another depth and use
 * spaces where the file uses tabs. Alignment spaces beyond whole levels carry over unscaled.
 */
export function reindent(
  indent: string,
  modelReference: string,
  fileReference: string,
  model: IndentStyle,
  file: IndentStyle,
): string {
  const own = measure(indent, model);
  const ref = measure(modelReference, model);
  const base = indentColumns(fileReference, file.tabColumns);
  return renderIndent(base + (own.levels - ref.levels) * file.unit + own.extra - ref.extra, file);
}

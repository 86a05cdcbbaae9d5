/** How a text indents one level: a tab, or `unit` spaces. */
export interface IndentStyle {
  char: '\t' | ' ';
  unit: number;
}

/** An indentation split into whole levels of a style plus leftover alignment spaces. */
interface IndentDepth {
  levels: number;
  extra: number;
}

const TAB_COLUMNS = 4;

export const leadingWhitespace = (line: string): string => /^[ \t]*/.exec(line)![0];

const isBlank = (line: string): boolean => line.trim() === '';

/** The dominant indentation style of some lines, or null when they carry no indentation at all. */
export function detectStyle(lines: string[]): IndentStyle | null {
  const indented = lines.filter((line) => !isBlank(line) && /^[ \t]/.test(line));
  if (indented.length === 0) return null;
  const tabs = indented.filter((line) => line.startsWith('\t')).length;
  if (tabs * 2 > indented.length) return { char: '\t', unit: 1 };
  return { char: ' ', unit: spaceUnitOf(lines) };
}

/** Most common increase of indentation between consecutive lines; the smallest indent when there is none. */
function spaceUnitOf(lines: string[]): number {
  const widths = lines.filter((line) => !isBlank(line)).map((line) => leadingWhitespace(line).length);
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
  if (style.char === '\t') {
    const tabs = indent.split('\t').length - 1;
    const spaces = indent.length - tabs;
    return { levels: tabs + Math.floor(spaces / TAB_COLUMNS), extra: spaces % TAB_COLUMNS };
  }
  let columns = 0;
  for (const ch of indent) columns += ch === '\t' ? style.unit : 1;
  return { levels: Math.floor(columns / style.unit), extra: columns % style.unit };
}

function render({ levels, extra }: IndentDepth, style: IndentStyle): string {
  const level = style.char === '\t' ? '\t' : ' '.repeat(style.unit);
  return level.repeat(Math.max(0, levels)) + ' '.repeat(Math.max(0, extra));
}

/**
 * Moves indentation written relative to `modelReference` (in the model's style) onto `fileReference`
 * (in the file's style), level for level: the model's block may sit at another depth and use
 * spaces where the file uses tabs.
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
  const base = measure(fileReference, file);
  return render(
    { levels: base.levels + own.levels - ref.levels, extra: base.extra + own.extra - ref.extra },
    file,
  );
}

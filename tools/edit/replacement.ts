import { detectStyle, indentColumns, leadingWhitespace, reindent, type IndentStyle } from './indentation.js';
import { keepTypography } from './typography.js';

/** Beyond this many old×new line pairs, lines are re-indented without pairing unchanged ones. */
const PAIRING_LIMIT = 4_000_000;
const DEFAULT_STYLE: IndentStyle = { unit: 4, tabColumns: 4, tabs: false };

/**
 * The lines that replace a tolerantly matched block. Lines new_string keeps from old_string come out
 * exactly as the file has them (its indentation, its trailing whitespace, its typography); every
 * other line is moved from the model's indentation onto the file's, and a changed line keeps the
 * file's typographic characters where the model wrote their ASCII look-alikes.
 */
export function replacementLines(
  fileBlock: string[],
  oldLines: string[],
  newLines: string[],
  fileStyle: IndentStyle | null,
): string[] {
  const kept = keptLines(oldLines, newLines);
  const counterparts = changedCounterparts(kept, oldLines.length, newLines.length);
  const place = indentPlacer(fileBlock, oldLines, newLines, fileStyle);
  return placeLines(newLines, place, (i) => {
    const oldIndex = kept.get(i);
    if (oldIndex !== undefined) return { line: fileBlock[oldIndex]! };
    const counterpart = counterparts.get(i);
    if (counterpart === undefined) return null;
    // A blank line in place of a blank line stays as the file has it (whitespace and all).
    if (newLines[i]!.trim() === '' && fileBlock[counterpart]!.trim() === '')
      return { line: fileBlock[counterpart]! };
    return { old: oldLines[counterpart]!.trimStart(), file: fileBlock[counterpart]!.trimStart() };
  });
}

/**
 * The text replacing a whitespace-flexible match, which may start and end mid-line. new_string loses
 * the surrounding whitespace old_string had (the match does not include it). When the file breaks
 * the matched text into lines at the same places as old_string, the lines are treated like a block:
 * unchanged ones stay as the file has them and the others move onto the file's indentation.
 * Otherwise (the file wraps the text differently) new_string replaces the whole span, its
 * continuation lines indented like the file's.
 */
export function fragmentReplacement(
  matched: string,
  lineStart: string,
  old: string,
  replacement: string,
  fileStyle: IndentStyle | null,
): string {
  const inner = stripLike(replacement, old);
  const fileBlock = matched.split('\n');
  const oldLines = old.trim().split('\n');
  const newLines = inner.split('\n');
  if (newLines.length < 2) return inner;
  const first = newLines[0] === oldLines[0] ? fileBlock[0]! : newLines[0]!;
  if (sameWrapping(fileBlock, oldLines)) {
    const rest = replacementLines(fileBlock.slice(1), oldLines.slice(1), newLines.slice(1), fileStyle);
    return [first, ...rest].join('\n');
  }
  // The first continuation line of each, or else the line the match starts on, relates the indentations.
  const [fileReference, oldReference] =
    fileBlock.length > 1 && oldLines.length > 1
      ? [fileBlock[1]!, oldLines[1]!]
      : [lineStart, /[^\n]*$/.exec(/^\s*/.exec(old)![0])![0]];
  const place = indentPlacer([fileReference], [oldReference], newLines, fileStyle);
  return [newLines[0]!, ...placeLines(newLines.slice(1), place, () => null)].join('\n');
}

/** Whether the file breaks the matched text into lines where old_string does (whitespace aside). */
export function sameWrapping(fileBlock: string[], oldLines: string[]): boolean {
  const squeezed = (line: string) => line.replace(/\s+/g, '');
  return (
    fileBlock.length === oldLines.length &&
    fileBlock.every((line, i) => squeezed(line) === squeezed(oldLines[i]!))
  );
}

type Placer = ((indent: string, previous: { model: string; output: string } | null) => string) | null;

/** A line kept from the file as it is, or the old and file lines a changed line takes its typography from. */
type Source = { line: string } | { old: string; file: string } | null;

function placeLines(newLines: string[], place: Placer, sourceOf: (i: number) => Source): string[] {
  let previous: { model: string; output: string } | null = null;
  return newLines.map((line, i) => {
    const source = sourceOf(i);
    if (source && 'line' in source) {
      previous = { model: line, output: source.line };
      return source.line;
    }
    if (line.trim() === '') return '';
    const indent = leadingWhitespace(line);
    const body = source
      ? keepFileLook(line.slice(indent.length), source.old, source.file)
      : line.slice(indent.length);
    const output = (place ? place(indent, previous) : indent) + body;
    previous = { model: line, output };
    return output;
  });
}

/**
 * A changed line's text with the file's typography, and with the file's trailing whitespace where
 * the model's line ends the way its old line did (the model's trailing whitespace was not the file's).
 */
function keepFileLook(newBody: string, oldBody: string, fileBody: string): string {
  const body = keepTypography(newBody, oldBody, fileBody);
  const trailing = (text: string) => /\s*$/.exec(text)![0];
  if (!trailing(oldBody) || trailing(body) !== trailing(oldBody)) return body;
  return body.trimEnd() + trailing(fileBody);
}

/** Maps indices of new lines to the old line they repeat unchanged (longest common subsequence). */
function keptLines(oldLines: string[], newLines: string[]): Map<number, number> {
  const kept = new Map<number, number>();
  const n = oldLines.length;
  const m = newLines.length;
  if (n * m > PAIRING_LIMIT) return kept;
  const key = (line: string) => leadingWhitespace(line) + line.trim();
  const oldKeys = oldLines.map(key);
  const newKeys = newLines.map(key);
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i]![j] =
        oldKeys[i] === newKeys[j]
          ? table[i + 1]![j + 1]! + 1
          : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  for (let i = 0, j = 0; i < n && j < m;) {
    if (oldKeys[i] === newKeys[j] && oldKeys[i]!.trim() !== '') {
      kept.set(j, i);
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return kept;
}

/** Changed new lines paired with the old line they rewrite: between kept lines, where as many lines went as came. */
function changedCounterparts(
  kept: Map<number, number>,
  oldCount: number,
  newCount: number,
): Map<number, number> {
  const pairs = new Map<number, number>();
  const anchors = [...kept].sort(([a], [b]) => a - b);
  let newFrom = 0;
  let oldFrom = 0;
  for (const [newAt, oldAt] of [...anchors, [newCount, oldCount] as const]) {
    if (newAt - newFrom === oldAt - oldFrom) {
      for (let k = 0; k < newAt - newFrom; k++) pairs.set(newFrom + k, oldFrom + k);
    }
    newFrom = newAt + 1;
    oldFrom = oldAt + 1;
  }
  return pairs;
}

/**
 * Converts a model indentation to the file's, or null when the block already sits at the file's
 * indentation. An indentation old_string's lines use maps to the file's indentation of those lines
 * (the nesting check made that mapping unambiguous); a line at the indentation of the line before
 * it, or aligned under that line's open bracket, keeps that relation; any other depth is counted in
 * levels from the nearest shallower line of old_string.
 */
function indentPlacer(
  fileBlock: string[],
  oldLines: string[],
  newLines: string[],
  fileStyle: IndentStyle | null,
): Placer {
  const pairs = oldLines.flatMap((line, i) =>
    line.trim() === '' || fileBlock[i]!.trim() === ''
      ? []
      : [[leadingWhitespace(line), leadingWhitespace(fileBlock[i]!)] as const],
  );
  if (pairs.every(([oldIndent, fileIndent]) => oldIndent === fileIndent)) return null;
  const file = fileStyle ?? detectStyle(fileBlock) ?? DEFAULT_STYLE;
  const modelLines = [...oldLines, ...newLines];
  const detected = detectStyle(modelLines) ?? file;
  const model = detected.tabs === file.tabs && !hasLevelSteps(modelLines) ? file : detected;
  const columns = (indent: string) => indentColumns(indent, model.tabColumns);
  const byColumns = new Map(pairs.map(([oldIndent, fileIndent]) => [columns(oldIndent), fileIndent]));
  const references = [...pairs].sort(([a], [b]) => columns(a) - columns(b));
  return (indent, previous) => {
    const width = columns(indent);
    const direct = byColumns.get(width);
    if (direct !== undefined) return direct;
    if (previous) {
      const previousIndent = leadingWhitespace(previous.model);
      const previousWidth = columns(previousIndent);
      if (width === previousWidth || width === openBracketColumn(previous.model, columns)) {
        return leadingWhitespace(previous.output) + ' '.repeat(width - previousWidth);
      }
    }
    const [modelReference, fileReference] =
      references.filter(([oldIndent]) => columns(oldIndent) <= width).at(-1) ?? references[0]!;
    return reindent(indent, modelReference, fileReference, model, file);
  };
}

/** The column just after the line's last bracket left open, where hanging continuation lines align. */
function openBracketColumn(line: string, columns: (indent: string) => number): number | null {
  const indent = leadingWhitespace(line);
  const open: number[] = [];
  let quote: string | null = null;
  for (let i = indent.length; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) open.push(i);
    else if (')]}'.includes(ch)) open.pop();
  }
  const last = open.at(-1);
  return last === undefined || last === line.length - 1 ? null : columns(indent) + last - indent.length + 1;
}

/** Whether the model's lines show at least one change of indentation to learn its unit from. */
function hasLevelSteps(lines: string[]): boolean {
  const widths = new Set(
    lines.filter((line) => line.trim() !== '').map((line) => indentColumns(leadingWhitespace(line))),
  );
  return widths.size > 1;
}

/** `text` without the leading and trailing whitespace `like` has (all of it, when `text` has other whitespace there). */
function stripLike(text: string, like: string): string {
  const lead = /^\s*/.exec(like)![0];
  const trail = /\s*$/.exec(like)![0];
  let inner = text.startsWith(lead) ? text.slice(lead.length) : text.trimStart();
  if (trail) inner = inner.endsWith(trail) ? inner.slice(0, inner.length - trail.length) : inner.trimEnd();
  return inner;
}

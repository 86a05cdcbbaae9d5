import { detectStyle, leadingWhitespace, reindent, type IndentStyle } from './indentation.js';

/** Beyond this many old×new line pairs, lines are re-indented without pairing unchanged ones. */
const PAIRING_LIMIT = 4_000_000;

/**
 * The lines that replace a tolerantly matched block. Lines new_string keeps from old_string come out
 * exactly as the file has them (its indentation, its trailing whitespace); every other line is moved
 * from the model's indentation onto the file's.
 */
export function replacementLines(
  fileBlock: string[],
  oldLines: string[],
  newLines: string[],
  fileStyle: IndentStyle | null,
): string[] {
  const kept = keptLines(oldLines, newLines);
  const shift = indentShift(fileBlock, oldLines, newLines, fileStyle);
  return newLines.map((line, i) => {
    const oldIndex = kept.get(i);
    if (oldIndex !== undefined) return fileBlock[oldIndex]!;
    if (line.trim() === '') return '';
    if (!shift) return line;
    return shift(leadingWhitespace(line)) + line.slice(leadingWhitespace(line).length);
  });
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

/** Converts a model indentation to the file's, or null when the block already sits at the file's indentation. */
function indentShift(
  fileBlock: string[],
  oldLines: string[],
  newLines: string[],
  fileStyle: IndentStyle | null,
): ((indent: string) => string) | null {
  const pairs = oldLines.map(
    (line, i) => [leadingWhitespace(fileBlock[i]!), leadingWhitespace(line), line] as const,
  );
  const meaningful = pairs.filter(([, , line]) => line.trim() !== '');
  if (meaningful.every(([fileIndent, oldIndent]) => fileIndent === oldIndent)) return null;
  const [fileReference, modelReference] = meaningful[0]!;
  const file = fileStyle ?? detectStyle(fileBlock) ?? { char: ' ', unit: 4 };
  const modelLines = [...oldLines, ...newLines];
  const model = detectStyle(modelLines) ?? file;
  const modelStyle = model.char === file.char && !hasLevelSteps(modelLines) ? file : model;
  return (indent) => reindent(indent, modelReference, fileReference, modelStyle, file);
}

/** Whether the model's lines show at least one change of indentation to learn its unit from. */
function hasLevelSteps(lines: string[]): boolean {
  const widths = new Set(
    lines.filter((line) => line.trim() !== '').map((line) => leadingWhitespace(line).length),
  );
  return widths.size > 1;
}

/**
 * The text replacing a whitespace-flexible match, which may start and end mid-line. new_string loses
 * the surrounding whitespace old_string had (the match does not include it); when both span the same
 * number of lines, they are treated like a block: unchanged lines stay as the file has them and the
 * others move onto the file's indentation.
 */
export function fragmentReplacement(
  matched: string,
  old: string,
  replacement: string,
  fileStyle: IndentStyle | null,
): string {
  const inner = stripLike(replacement, old);
  const fileBlock = matched.split('\n');
  const oldLines = old.trim().split('\n');
  const newLines = inner.split('\n');
  if (oldLines.length < 2 || newLines.length < 2 || fileBlock.length !== oldLines.length) return inner;
  const rest = replacementLines(fileBlock.slice(1), oldLines.slice(1), newLines.slice(1), fileStyle);
  const first = newLines[0] === oldLines[0] ? fileBlock[0]! : newLines[0]!;
  return [first, ...rest].join('\n');
}

/** `text` without the leading and trailing whitespace `like` has (all of it, when `text` has other whitespace there). */
function stripLike(text: string, like: string): string {
  const lead = /^\s*/.exec(like)![0];
  const trail = /\s*$/.exec(like)![0];
  let inner = text.startsWith(lead) ? text.slice(lead.length) : text.trimStart();
  if (trail) inner = inner.endsWith(trail) ? inner.slice(0, inner.length - trail.length) : inner.trimEnd();
  return inner;
}

import { indentColumns, leadingWhitespace } from './indentation.js';
import { plainPunctuation } from './typography.js';

/** A matched region of the content, as character offsets. */
export interface Span {
  start: number;
  end: number;
}

/** A line-tolerance level: how lines are compared (relative indentation must always agree). */
export interface LineLevel {
  /** What the comparison disregards, told to the model so it knows its old_string was not exact. */
  ignoring: string;
  key: (line: string) => string;
}

/** The line with whitespace squeezed, composed Unicode and ASCII look-alikes (ASCII lines skip the costly part). */
function canonical(line: string): string {
  const text = !/\P{ASCII}/u.test(line) ? line : plainPunctuation(line.normalize('NFC'));
  return text.trim().replace(/\s+/g, ' ');
}

/** Decreasing strictness; the first level that finds anything decides (unique → apply, several → ambiguous). */
export const LINE_LEVELS: LineLevel[] = [
  { ignoring: 'trailing whitespace', key: (line) => line.trimEnd() },
  { ignoring: 'indentation', key: (line) => line.trim() },
  { ignoring: 'whitespace and Unicode look-alikes', key: canonical },
];

/** Every non-overlapping exact occurrence. */
export function findExact(content: string, old: string): Span[] {
  const spans: Span[] = [];
  for (let at = content.indexOf(old); at !== -1; at = content.indexOf(old, at + old.length)) {
    spans.push({ start: at, end: at + old.length });
  }
  return spans;
}

/** A window of the file's lines that matches old_string's lines at some level. */
export interface LineMatch {
  first: number;
  /** Whether the window's relative indentation agrees with old_string's (see sameNesting). */
  nests: boolean;
}

/** Non-overlapping windows of `fileLines` that match `oldLines` at this level. */
export function findLines(
  fileLines: string[],
  oldLines: string[],
  level: LineLevel,
  tabColumns: number,
): LineMatch[] {
  const oldKeys = oldLines.map(level.key);
  const fileKeys = fileLines.map(level.key);
  const found: LineMatch[] = [];
  for (let first = 0; first + oldKeys.length <= fileKeys.length; first++) {
    if (!oldKeys.every((key, i) => key === fileKeys[first + i])) continue;
    const nests = sameNesting(fileLines.slice(first, first + oldLines.length), oldLines, tabColumns);
    found.push({ first, nests });
    first += oldKeys.length - 1;
  }
  return found;
}

/**
 * Whether two blocks nest alike: lines indented equally in one are indented equally in the other,
 * and a deeper line in one is deeper in the other (depth and style may differ). Blank lines do not count.
 */
export function sameNesting(fileBlock: string[], oldBlock: string[], tabColumns: number): boolean {
  const fileToOld = new Map<number, number>();
  const oldToFile = new Map<number, number>();
  for (let i = 0; i < oldBlock.length; i++) {
    if (oldBlock[i]!.trim() === '' || fileBlock[i]!.trim() === '') continue;
    const file = indentColumns(leadingWhitespace(fileBlock[i]!), tabColumns);
    const old = indentColumns(leadingWhitespace(oldBlock[i]!));
    if ((fileToOld.get(file) ?? old) !== old || (oldToFile.get(old) ?? file) !== file) return false;
    fileToOld.set(file, old);
    oldToFile.set(old, file);
  }
  const ordered = [...oldToFile].sort(([a], [b]) => a - b);
  return ordered.every(([, file], i) => i === 0 || file > ordered[i - 1]![1]);
}

/**
 * Occurrences of `old` when runs of whitespace may differ in amount (and vanish next to punctuation):
 * catches fragments of lines and blocks whose lines were wrapped differently. The ends stay anchored
 * where old_string's were: a word at either end is not part of a longer word in the file, whitespace
 * before or after old_string's text means whitespace (or a line edge) there in the file too, and a
 * line break there means a line starts or ends there. A run of whitespace crosses a blank line only
 * where old_string's does, so a match never spans paragraphs or blocks old_string keeps apart.
 */
export function findFlexible(content: string, old: string): Span[] {
  const tokens = old.trim().match(/\s+|[\p{L}\p{N}_$]+|[^\s\p{L}\p{N}_$]/gu) ?? [];
  if (tokens.length === 0) return [];
  const isWord = (token: string | undefined) => token !== undefined && /^[\p{L}\p{N}_$]/u.test(token);
  let pattern = '';
  tokens.forEach((token, i) => {
    if (/^\s/.test(token)) {
      const space = /\n[^\S\n]*\n/.test(token) ? '\\s*' : ANY_SPACE;
      pattern += isWord(tokens[i - 1]) && isWord(tokens[i + 1]) ? `(?=\\s)${space}` : space;
    } else {
      if (i > 0 && !/^\s/.test(tokens[i - 1]!) && !(isWord(tokens[i - 1]) && isWord(token)))
        pattern += ANY_SPACE;
      pattern += token.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  });
  const lead = /^\s*/.exec(old)![0];
  const trail = /\s*$/.exec(old)![0];
  if (lead.includes('\n')) pattern = `(?<=^[ \\t]*)${pattern}`;
  else if (lead) pattern = `(?<=^|\\s)${pattern}`;
  else if (isWord(tokens[0])) pattern = `(?<!${WORD_CHAR})${pattern}`;
  if (trail.includes('\n')) pattern += '(?=[ \\t\\r]*$)';
  else if (trail) pattern += '(?=\\s|$)';
  else if (isWord(tokens[tokens.length - 1])) pattern += `(?!${WORD_CHAR})`;
  return [...content.matchAll(new RegExp(pattern, 'gmu'))].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
  }));
}

const WORD_CHAR = '[\\p{L}\\p{N}_$]';
/** Whitespace holding at most one line break (no blank line), possibly none. */
const ANY_SPACE = '[^\\S\\n]*(?:\\n[^\\S\\n]*)?';

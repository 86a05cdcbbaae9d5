import { leadingWhitespace } from './indentation.js';

/** A matched region of the content, as character offsets. */
export interface Span {
  start: number;
  end: number;
}

/** A line-tolerance level: how lines are compared, and whether relative indentation must agree. */
export interface LineLevel {
  /** What the comparison disregards, told to the model so it knows its old_string was not exact. */
  ignoring: string;
  key: (line: string) => string;
  sameShape: boolean;
}

/** Typographic characters models tend to swap for their ASCII look-alikes (and back). */
const LOOKALIKES: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u00a0': ' ',
  '\u2026': '...',
};

/** The line with whitespace squeezed, composed Unicode and ASCII look-alikes (ASCII lines skip the costly part). */
function canonical(line: string): string {
  const text = !/\P{ASCII}/u.test(line)
    ? line
    : line
        .normalize('NFC')
        .replace(/[\u2018\u2019\u201c\u201d\u2013\u2014\u2212\u00a0\u2026]/g, (ch) => LOOKALIKES[ch]!);
  return text.trim().replace(/\s+/g, ' ');
}

/** Decreasing strictness; the first level that finds anything decides (unique → apply, several → ambiguous). */
export const LINE_LEVELS: LineLevel[] = [
  { ignoring: 'trailing whitespace', key: (line) => line.trimEnd(), sameShape: false },
  { ignoring: 'indentation', key: (line) => line.trim(), sameShape: true },
  { ignoring: 'whitespace and Unicode look-alikes', key: canonical, sameShape: false },
];

/** Every non-overlapping exact occurrence. */
export function findExact(content: string, old: string): Span[] {
  const spans: Span[] = [];
  for (let at = content.indexOf(old); at !== -1; at = content.indexOf(old, at + old.length)) {
    spans.push({ start: at, end: at + old.length });
  }
  return spans;
}

/** Start indices of non-overlapping windows of `fileLines` that match `oldLines` at this level. */
export function findLines(fileLines: string[], oldLines: string[], level: LineLevel): number[] {
  const oldKeys = oldLines.map(level.key);
  const fileKeys = fileLines.map(level.key);
  const starts: number[] = [];
  for (let first = 0; first + oldKeys.length <= fileKeys.length; first++) {
    if (!oldKeys.every((key, i) => key === fileKeys[first + i])) continue;
    if (level.sameShape && !sameShape(fileLines.slice(first, first + oldLines.length), oldLines)) continue;
    starts.push(first);
    first += oldKeys.length - 1;
  }
  return starts;
}

/** Whether indentation rises and falls at the same places in both blocks (depth and style may differ). */
function sameShape(fileBlock: string[], oldBlock: string[]): boolean {
  const depths = (block: string[]) =>
    block.filter((line) => line.trim() !== '').map((line) => columns(leadingWhitespace(line)));
  const file = depths(fileBlock);
  const old = depths(oldBlock);
  return file.every(
    (depth, i) => i === 0 || Math.sign(depth - file[i - 1]!) === Math.sign(old[i]! - old[i - 1]!),
  );
}

const columns = (indent: string): number => indent.replace(/\t/g, '    ').length;

/**
 * Occurrences of `old` when runs of whitespace may differ in amount (and vanish next to punctuation):
 * catches fragments of lines and blocks whose lines were wrapped differently.
 */
export function findFlexible(content: string, old: string): Span[] {
  const tokens = old.trim().match(/\s+|[\p{L}\p{N}_$]+|[^\s\p{L}\p{N}_$]/gu) ?? [];
  if (tokens.length < 2) return [];
  const isWord = (token: string | undefined) => token !== undefined && /^[\p{L}\p{N}_$]/u.test(token);
  let pattern = '';
  tokens.forEach((token, i) => {
    if (/^\s/.test(token)) {
      pattern += isWord(tokens[i - 1]) && isWord(tokens[i + 1]) ? '\\s+' : '\\s*';
    } else {
      if (i > 0 && !/^\s/.test(tokens[i - 1]!) && !(isWord(tokens[i - 1]) && isWord(token)))
        pattern += '\\s*';
      pattern += token.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  });
  return [...content.matchAll(new RegExp(pattern, 'gu'))].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
  }));
}

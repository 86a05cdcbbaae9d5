import { describeMiss, numberedLines } from './closest.js';
import { shortDiff, type LineChange } from './diff.js';
import { detectStyle } from './indentation.js';
import { LINE_LEVELS, findExact, findFlexible, findLines, sameNesting, type Span } from './match.js';
import { newPlaceholder } from './omission.js';
import { RECOVERIES } from './recoveries.js';
import { syntaxRegression } from './syntax-gate.js';
import { fragmentReplacement, replacementLines, sameWrapping } from './replacement.js';
import { lineEndingOf, toLf, withLineEnding, type LineEnding } from './text-format.js';

export type EditRefusal =
  'identical' | 'not-empty' | 'placeholder' | 'no-match' | 'ambiguous' | 'misnested' | 'unchanged' | 'syntax';

export type EditOutcome =
  | {
      ok: true;
      /** The whole new text, in the file's own line endings. */
      content: string;
      replacements: number;
      /** How old_string was found, when it was not an exact match. */
      note: string | null;
      /** Short unified diff of the change, with line numbers. */
      diff: string;
    }
  | { ok: false; refusal: EditRefusal; message: string };

interface Replacement extends Span {
  text: string;
}

/**
 * The edit contract without the file system: finds old_string in `content` (exactly, then with
 * decreasing whitespace strictness, always demanding a single location unless `replaceAll`) and
 * returns the new content, or a refusal that tells the model how to fix its call.
 */
export function applyEdit(
  content: string,
  oldString: string,
  newString: string,
  replaceAll = false,
): EditOutcome {
  if (oldString === newString) {
    return refuse('identical', 'old_string and new_string are identical; there is nothing to change.');
  }
  const placeholder = newPlaceholder(oldString, newString);
  if (placeholder) {
    return refuse(
      'placeholder',
      `new_string has the line ${JSON.stringify(placeholder)}, which stands for code left out, but old_string does not: ` +
        'the edit would replace that code with the comment. Write out the lines in full, or make old_string smaller.',
    );
  }
  const ending = lineEndingOf(content);
  const text = ending === '\r\n' ? toLf(content) : content;
  const old = toLf(oldString);
  const replacement = toLf(newString);
  if (old === '') {
    if (text !== '') {
      return refuse(
        'not-empty',
        'old_string is empty, which only creates a file, but this file already has content. Give the text to replace.',
      );
    }
    return applied(text, ending, [{ start: 0, end: 0, text: replacement }], null);
  }

  const found = locate(text, ending, old, replacement, replaceAll);
  if (found) return found;
  for (const recover of RECOVERIES) {
    const recovered = recover(old, replacement, text);
    const retried = recovered && locate(text, ending, recovered.old, recovered.replacement, replaceAll);
    if (!retried) continue;
    if (!retried.ok) return retried;
    return { ...retried, note: [recovered.note, retried.note].filter(Boolean).join('; ') };
  }
  return refuse(
    'no-match',
    `old_string was not found in the file, not even ignoring whitespace.\n${describeMiss(text.split('\n'), blockOf(old).lines)}`,
  );
}

/**
 * applyEdit for a file on disk, followed by the syntax gate: an edit that would add parse errors to a
 * file in a language we parse is refused, leaving the file as it was.
 */
export async function applyCheckedEdit(
  filePath: string,
  content: string,
  oldString: string,
  newString: string,
  replaceAll = false,
): Promise<EditOutcome> {
  const outcome = applyEdit(content, oldString, newString, replaceAll);
  if (!outcome.ok) return outcome;
  const broken = await syntaxRegression(filePath, content, outcome.content);
  return broken ? refuse('syntax', broken) : outcome;
}

/** The outcome of the first strategy that finds old_string, or null when none does. */
function locate(
  text: string,
  ending: LineEnding,
  old: string,
  replacement: string,
  replaceAll: boolean,
): EditOutcome | null {
  const exact = findExact(text, old);
  if (exact.length > 1 && !replaceAll) return ambiguous(text, exact, 'exactly');
  if (exact.length > 0) {
    if (replacement === '')
      exact.filter((span) => wholeLines(text, span)).forEach((span) => swallowLineBreak(text, span));
    return applied(
      text,
      ending,
      exact.map((span) => ({ ...span, text: asLines(text, span, replacement) })),
      null,
    );
  }

  const fileLines = text.split('\n');
  const fileStyle = detectStyle(fileLines);
  const tabColumns = fileStyle?.tabColumns ?? 4;
  const oldBlock = blockOf(old);
  if (oldBlock.lines.length > 0) {
    const offsets = lineOffsets(text);
    for (const level of LINE_LEVELS) {
      const matches = findLines(fileLines, oldBlock.lines, level, tabColumns);
      if (matches.length === 0) continue;
      const windows = matches.map(({ first }) => withBlankEdges(fileLines, first, oldBlock));
      const spans = windows.map(({ first, count }) => lineSpan(offsets, fileLines, first, count));
      if (matches.length > 1 && !replaceAll) return ambiguous(text, spans, `when ignoring ${level.ignoring}`);
      const misnested = matches.find(({ nests }) => !nests);
      if (misnested) return refuseMisnested(fileLines, misnested.first, oldBlock.lines, level.ignoring);
      const replacements = windows.map((window, i) => {
        const newLines = window.edges ? linesOf(replacement) : trimLike(blockOf(replacement), oldBlock);
        if (newLines.length === 0) swallowLineBreak(text, spans[i]!);
        return {
          ...spans[i]!,
          text: replacementLines(
            fileLines.slice(window.first, window.first + window.count),
            window.edges ? linesOf(old) : oldBlock.lines,
            newLines,
            fileStyle,
          ).join('\n'),
        };
      });
      return applied(text, ending, replacements, `matched ignoring ${level.ignoring}${REINDENTED}`);
    }
  }

  const flexible = findFlexible(text, old);
  if (flexible.length > 1 && !replaceAll) return ambiguous(text, flexible, 'when ignoring whitespace');
  if (flexible.length === 0) return null;
  const oldLines = old.trim().split('\n');
  for (const { start, end } of flexible) {
    const fileBlock = text.slice(start, end).split('\n');
    if (oldLines.length > 2 && sameWrapping(fileBlock, oldLines)) {
      if (!sameNesting(fileBlock.slice(1), oldLines.slice(1), tabColumns)) {
        const first = lineAt(lineOffsets(text), start);
        return refuseMisnested(fileLines, first, oldLines, 'whitespace');
      }
    }
  }
  const replacements = flexible.map((span) => ({
    ...span,
    text: fragmentReplacement(
      text.slice(span.start, span.end),
      text.slice(text.lastIndexOf('\n', span.start - 1) + 1, span.start),
      old,
      replacement,
      fileStyle,
    ),
  }));
  return applied(text, ending, replacements, `matched ignoring whitespace${REINDENTED}`);
}

const REINDENTED = "; new lines follow the file's indentation";

/** old_string as lines, without its final newline and surrounding blank lines (which models add or drop freely). */
function blockOf(text: string): { lines: string[]; leading: number; trailing: number } {
  const lines = text.replace(/\n$/, '').split('\n');
  let leading = 0;
  while (leading < lines.length && lines[leading]!.trim() === '') leading++;
  let trailing = 0;
  while (trailing < lines.length - leading && lines[lines.length - 1 - trailing]!.trim() === '') trailing++;
  return { lines: lines.slice(leading, lines.length - trailing), leading, trailing };
}

/** new_string's lines with as many surrounding blank lines removed as old_string had, so blank lines are kept. */
function trimLike(
  replacement: { lines: string[]; leading: number; trailing: number },
  old: { leading: number; trailing: number },
): string[] {
  if (replacement.lines.length === 0) return [];
  const blanksBefore = Array<string>(Math.max(0, replacement.leading - old.leading)).fill('');
  const blanksAfter = Array<string>(Math.max(0, replacement.trailing - old.trailing)).fill('');
  return [...blanksBefore, ...replacement.lines, ...blanksAfter];
}

/** The text's lines, without the line its final newline would open. */
const linesOf = (text: string): string[] => text.replace(/\n$/, '').split('\n');

/**
 * The file lines an old_string matched at `first`, widened over the blank lines old_string has
 * around its text when the file has them there too: those blank lines are then part of what
 * new_string replaces (a model removing or adding a blank line means exactly that).
 */
function withBlankEdges(
  fileLines: string[],
  first: number,
  oldBlock: { lines: string[]; leading: number; trailing: number },
): { first: number; count: number; edges: boolean } {
  const count = oldBlock.lines.length;
  const blank = (from: number, to: number) =>
    from >= 0 && to <= fileLines.length && fileLines.slice(from, to).every((line) => line.trim() === '');
  const { leading, trailing } = oldBlock;
  if (
    (leading || trailing) &&
    blank(first - leading, first) &&
    blank(first + count, first + count + trailing)
  ) {
    return { first: first - leading, count: leading + count + trailing, edges: true };
  }
  return { first, count, edges: false };
}

function lineOffsets(text: string): number[] {
  const offsets = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) offsets.push(at + 1);
  return offsets;
}

function lineSpan(offsets: number[], lines: string[], first: number, count: number): Span {
  const last = first + count - 1;
  return { start: offsets[first]!, end: offsets[last]! + lines[last]!.length };
}

const wholeLines = (text: string, { start, end }: Span): boolean =>
  (start === 0 || text[start - 1] === '\n') && (end === text.length || text[end] === '\n') && end > start;

/**
 * new_string for an exact match of whole lines (old_string ending in a line break): text the model
 * wrote without its final line break still ends its line, instead of running into the next one.
 */
function asLines(text: string, { start, end }: Span, replacement: string): string {
  const linesMatched = (start === 0 || text[start - 1] === '\n') && text[end - 1] === '\n';
  const runsOn = replacement !== '' && !replacement.endsWith('\n') && end < text.length;
  return linesMatched && runsOn ? `${replacement}\n` : replacement;
}

/** Deleting whole lines removes their line break too, instead of leaving an empty line behind. */
function swallowLineBreak(text: string, span: Span): void {
  if (text[span.end] === '\n') span.end++;
  else if (span.start > 0) span.start--;
}

/** 0-based line index holding `offset`. */
function lineAt(offsets: number[], offset: number): number {
  let low = 0;
  let high = offsets.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (offsets[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

function applied(
  text: string,
  ending: LineEnding,
  replacements: Replacement[],
  note: string | null,
): EditOutcome {
  const offsets = lineOffsets(text);
  const changes: LineChange[] = [];
  let result = '';
  let cursor = 0;
  for (const { start, end, text: inserted } of replacements) {
    const first = lineAt(offsets, start);
    const lineStart = offsets[first]!;
    const lineEnd = text.indexOf('\n', end) === -1 ? text.length : text.indexOf('\n', end);
    changes.push({
      first,
      removed: text.slice(lineStart, lineEnd).split('\n'),
      added: (text.slice(lineStart, start) + inserted + text.slice(end, lineEnd)).split('\n'),
    });
    result += text.slice(cursor, start) + inserted;
    cursor = end;
  }
  result += text.slice(cursor);
  if (text.endsWith('\n') && result !== '' && !result.endsWith('\n')) result += '\n';
  if (result === text) {
    const line = lineAt(offsets, replacements[0]!.start) + 1;
    return refuse(
      'unchanged',
      `the edit would leave the file as it is: from line ${line} on, the file already reads the way new_string does` +
        (note ? ` (old_string ${note})` : '') +
        '. Nothing was written; if you meant another change, read the file again.',
    );
  }
  return {
    ok: true,
    content: withLineEnding(result, ending),
    replacements: replacements.length,
    note,
    diff: shortDiff(
      { count: offsets.length, at: (i) => text.slice(offsets[i], (offsets[i + 1] ?? text.length + 1) - 1) },
      changes,
    ),
  };
}

/** Places named in an ambiguous-match refusal; a pattern found 60,000 times must not make a 1 MB message. */
const MAX_PLACES_LISTED = 10;

function ambiguous(text: string, spans: Span[], how: string): EditOutcome {
  const offsets = lineOffsets(text);
  const places = spans.slice(0, MAX_PLACES_LISTED).map(({ start, end }) => {
    const first = lineAt(offsets, start) + 1;
    const last = lineAt(offsets, Math.max(start, end - 1)) + 1;
    return first === last ? `line ${first}` : `lines ${first}-${last}`;
  });
  const more = spans.length > places.length ? ` and ${spans.length - places.length} more` : '';
  return refuse(
    'ambiguous',
    `old_string matches ${spans.length} places ${how} (${places.join(', ')}${more}). ` +
      'Include more surrounding lines in old_string so it matches exactly one place, or set replace_all: true to change every one.',
  );
}

/** A tolerant match whose lines nest differently from old_string's: applying it would move code between blocks. */
function refuseMisnested(
  fileLines: string[],
  first: number,
  oldLines: string[],
  ignoring: string,
): EditOutcome {
  return refuse(
    'misnested',
    `old_string matches lines ${first + 1}-${first + oldLines.length} when ignoring ${ignoring}, but its lines are ` +
      'nested differently there (a line that is inside a block in one is outside it in the other), so the edit ' +
      `could move code between blocks. The file has:\n${numberedLines(fileLines, first, oldLines.length)}\n` +
      'Copy these lines with their indentation as the file has them.',
  );
}

const refuse = (refusal: EditRefusal, message: string): EditOutcome => ({ ok: false, refusal, message });

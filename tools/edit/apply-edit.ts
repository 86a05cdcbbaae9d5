import { describeMiss } from './closest.js';
import { shortDiff, type LineChange } from './diff.js';
import { detectStyle } from './indentation.js';
import { LINE_LEVELS, findExact, findFlexible, findLines, type Span } from './match.js';
import { RECOVERIES } from './recoveries.js';
import { fragmentReplacement, replacementLines } from './replacement.js';
import { lineEndingOf, toLf, withLineEnding, type LineEnding } from './text-format.js';

export type EditRefusal = 'identical' | 'not-empty' | 'no-match' | 'ambiguous';

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
    const recovered = recover(old, replacement);
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
      exact.map((span) => ({ ...span, text: replacement })),
      null,
    );
  }

  const fileLines = text.split('\n');
  const fileStyle = detectStyle(fileLines);
  const oldBlock = blockOf(old);
  if (oldBlock.lines.length > 0) {
    const newLines = trimLike(blockOf(replacement), oldBlock);
    const offsets = lineOffsets(text);
    for (const level of LINE_LEVELS) {
      const starts = findLines(fileLines, oldBlock.lines, level);
      if (starts.length === 0) continue;
      const spans = starts.map((first) => lineSpan(offsets, fileLines, first, oldBlock.lines.length));
      if (newLines.length === 0) spans.forEach((span) => swallowLineBreak(text, span));
      if (starts.length > 1 && !replaceAll) return ambiguous(text, spans, `when ignoring ${level.ignoring}`);
      const replacements = starts.map((first, i) => ({
        ...spans[i]!,
        text: replacementLines(
          fileLines.slice(first, first + oldBlock.lines.length),
          oldBlock.lines,
          newLines,
          fileStyle,
        ).join('\n'),
      }));
      return applied(text, ending, replacements, `matched ignoring ${level.ignoring}${REINDENTED}`);
    }
  }

  const flexible = findFlexible(text, old);
  if (flexible.length > 1 && !replaceAll) return ambiguous(text, flexible, 'when ignoring whitespace');
  if (flexible.length === 0) return null;
  const replacements = flexible.map((span) => ({
    ...span,
    text: fragmentReplacement(text.slice(span.start, span.end), old, replacement, fileStyle),
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

const refuse = (refusal: EditRefusal, message: string): EditOutcome => ({ ok: false, refusal, message });

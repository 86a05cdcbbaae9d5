import type { Node } from 'web-tree-sitter';
import { languageOf, type LanguageSpec } from '../../src/context/retrieval/languages.js';
import { parseSource } from '../../src/context/retrieval/parser.js';
import { numberedLines } from './closest.js';

const SHOWN_ERRORS = 3;
const CONTEXT_LINES = 2;

interface SyntaxError {
  /** 0-based line in the parsed text. */
  line: number;
  what: string;
}

/**
 * Why an edit must be refused because it breaks the file's syntax, or null when it does not: the
 * file's language has a tree-sitter grammar and the edited text has more parse errors (ERROR or
 * MISSING nodes) than the text before it. Files already broken may still be edited as long as the
 * edit adds no error of its own.
 *
 * Only the top-level statements around the change are parsed first, so a clean edit costs one small
 * parse. When they show new errors, a window of a few hundred lines around them confirms it, and only
 * when the window cannot vouch for the region's edges (they may lie inside a long string or comment,
 * or the file is already broken there) are both whole versions parsed.
 */
export async function syntaxRegression(
  filePath: string,
  before: string,
  after: string,
): Promise<string | null> {
  if (before === after) return null;
  if (filePath.endsWith('.json')) return jsonRegression(before, after);
  const spec = languageOf(filePath);
  if (!spec) return null;
  const region = changedRegion(before, after);
  const regionAfter = await errorsIn(spec, after.slice(region.start, region.afterEnd));
  if (regionAfter.length === 0) return null;
  const regionBefore = await errorsIn(spec, before.slice(region.start, region.beforeEnd));
  if (regionAfter.length <= regionBefore.length) return null;
  const confirmed = await windowErrors(spec, before, after, region);
  if (confirmed) return report(spec, after, region.changed, confirmed, 0);
  const [whole, wholeBefore] = [await errorsIn(spec, after), await errorsIn(spec, before)];
  if (whole.length <= wholeBefore.length) return null;
  return report(spec, after, region.changed, whole, wholeBefore.length);
}

/** Lines on each side of the changed region that the confirming window takes in. */
const WINDOW_LINES = 200;

interface Region {
  start: number;
  beforeEnd: number;
  afterEnd: number;
}

/**
 * The errors of the edited text in a window around the region, or null when the window cannot settle
 * it. The text before the edit must parse there without error: a window whose edge falls inside a
 * long string or comment, or a file already broken nearby, shows errors there, and is left to the
 * whole-file parse.
 */
async function windowErrors(
  spec: LanguageSpec,
  before: string,
  after: string,
  region: Region,
): Promise<SyntaxError[] | null> {
  let start = region.start;
  for (let n = 0; n < WINDOW_LINES && start > 0; n++) start = lineStartAt(after, start - 1);
  start = topLevelAtOrBefore(after, start);
  let afterEnd = region.afterEnd;
  for (let n = 0; n < WINDOW_LINES && afterEnd < after.length; n++) afterEnd = nextLineStart(after, afterEnd);
  afterEnd = topLevelAtOrAfter(after, afterEnd);
  if (start === 0 && afterEnd === after.length) return null;
  const beforeWindow = before.slice(start, afterEnd - after.length + before.length);
  const tree = await parseSource(spec, beforeWindow);
  if (!tree) return null;
  const clean = !tree.rootNode.hasError;
  tree.delete();
  if (!clean) return null;
  const errors = await errorsIn(spec, after.slice(start, afterEnd));
  if (errors.length === 0) return null;
  const firstLine = lineCount(after, 0, start);
  return errors.map((error) => ({ ...error, line: error.line + firstLine }));
}

/** JSON has no grammar here but a strict parser: an edit may not turn a valid document into an invalid one. */
function jsonRegression(before: string, after: string): string | null {
  const problem = (text: string) => {
    try {
      JSON.parse(text);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  };
  if (problem(before) !== null) return null;
  const broken = problem(after);
  return broken === null
    ? null
    : `the edit would leave the file invalid JSON (${broken}), so it was not applied (the file is unchanged). ` +
        'Check commas, brackets and quotes in new_string.';
}

/**
 * Character range around the change that starts and ends at top-level lines (not indented, not a
 * closing bracket), so it parses on its own as the same statements it forms inside the file.
 */
function changedRegion(before: string, after: string): Region & { changed: [number, number] } {
  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  const start = topLevelAtOrBefore(after, lineStartAt(after, prefix), before);
  const afterEnd = topLevelAtOrAfter(after, nextLineStart(after, after.length - suffix));
  return {
    start,
    afterEnd,
    beforeEnd: afterEnd - after.length + before.length,
    changed: [lineCount(after, 0, prefix), lineCount(after, 0, Math.max(prefix, after.length - suffix))],
  };
}

const isTopLevel = (text: string, lineStart: number): boolean =>
  lineStart < text.length && /[^\s)\]}]/.test(text[lineStart]!);

/**
 * Start of the line holding `offset`. (lastIndexOf takes a negative start as 0, so a text opening
 * with a line break would send a walk back to the top round in circles without the guard.)
 */
const lineStartAt = (text: string, offset: number): number =>
  offset <= 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;

/** Start of the line after the one holding `offset` (the text's end when there is none). */
function nextLineStart(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/**
 * The nearest top-level line start at or before the line start `lineStart` (or the text's start).
 * With `unedited` (the text before the edit, equal to `text` up to the change), the line must be
 * top-level there too: a line the edit moved to the top level (a body dedented to column 0) does not
 * start a statement of the file, and parsed from there the broken block would look whole.
 */
function topLevelAtOrBefore(text: string, lineStart: number, unedited?: string): number {
  let start = lineStart;
  while (start > 0 && !(isTopLevel(text, start) && (unedited === undefined || isTopLevel(unedited, start))))
    start = lineStartAt(text, start - 1);
  return start;
}

/** The nearest top-level line start at or after the line start `lineStart` (or the text's end). */
function topLevelAtOrAfter(text: string, lineStart: number): number {
  let end = lineStart;
  while (end < text.length && !isTopLevel(text, end)) end = nextLineStart(text, end);
  return end;
}

/** Line breaks in text[from, to). */
function lineCount(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/**
 * Node types of blocks that may not be empty although the grammar accepts them so: tree-sitter's
 * Python grammar parses `if x:` followed by a dedented line as an if with an empty block, which
 * Python rejects ("expected an indented block").
 */
const NON_EMPTY_BLOCKS: Record<string, string> = { python: 'block' };

async function errorsIn(spec: LanguageSpec, source: string): Promise<SyntaxError[]> {
  const tree = await parseSource(spec, source);
  if (!tree) return [];
  try {
    const errors: SyntaxError[] = [];
    if (tree.rootNode.hasError) collect(tree.rootNode, errors);
    const block = NON_EMPTY_BLOCKS[spec.id];
    if (block) {
      for (const node of tree.rootNode.descendantsOfType(block)) {
        if (node && node.namedChildren.every((child) => child?.type === 'comment'))
          errors.push({ line: node.startPosition.row, what: 'expected an indented block' });
      }
    }
    return errors;
  } finally {
    tree.delete();
  }
}

function collect(node: Node, errors: SyntaxError[]): void {
  if (node.isMissing) {
    errors.push({ line: node.startPosition.row, what: `missing "${node.type}"` });
    return;
  }
  if (node.type === 'ERROR') {
    const text = node.text.trim().split('\n')[0]!.slice(0, 40);
    errors.push({ line: node.startPosition.row, what: text ? `unexpected "${text}"` : 'syntax error' });
  }
  for (const child of node.children) if (child.hasError) collect(child, errors);
}

function report(
  spec: LanguageSpec,
  after: string,
  [firstChanged, lastChanged]: [number, number],
  errors: SyntaxError[],
  /** How many of `errors` the text had before the edit. */
  before: number,
): string {
  const lines = after.replace(/\r\n/g, '\n').split('\n');
  const shown = errors.slice(0, SHOWN_ERRORS).map(({ line, what }) => `  line ${line + 1}: ${what}`);
  const first = Math.max(0, firstChanged - CONTEXT_LINES);
  const added = errors.length - before;
  return [
    `the edit would add ${added} ${spec.id} syntax error${added > 1 ? 's' : ''}` +
      ', so it was not applied (the file is unchanged):',
    ...shown,
    `The edited region would read:`,
    numberedLines(lines, first, lastChanged + CONTEXT_LINES + 1 - first),
    'Check brackets, quotes and indentation in new_string.',
  ].join('\n');
}

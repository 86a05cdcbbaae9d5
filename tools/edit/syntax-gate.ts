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
 * Only the top-level statements around the change are parsed first; a whole-file parse (before and
 * after) settles it only when that region shows new errors, so a clean edit costs one small parse.
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
  const [whole, wholeBefore] = [await errorsIn(spec, after), await errorsIn(spec, before)];
  if (whole.length <= wholeBefore.length) return null;
  return report(spec, after, region.changed, whole, wholeBefore.length);
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
function changedRegion(
  before: string,
  after: string,
): { start: number; beforeEnd: number; afterEnd: number; changed: [number, number] } {
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
  let start = after.lastIndexOf('\n', prefix - 1) + 1;
  while (start > 0 && !isTopLevel(after, start)) start = after.lastIndexOf('\n', start - 2) + 1;
  let end = after.indexOf('\n', after.length - suffix);
  while (end !== -1 && !isTopLevel(after, end + 1)) end = after.indexOf('\n', end + 1);
  const afterEnd = end === -1 ? after.length : end + 1;
  const lineOf = (offset: number) => {
    let line = 0;
    for (let at = after.indexOf('\n'); at !== -1 && at < offset; at = after.indexOf('\n', at + 1)) line++;
    return line;
  };
  return {
    start,
    afterEnd,
    beforeEnd: afterEnd - after.length + before.length,
    changed: [lineOf(prefix), lineOf(Math.max(prefix, after.length - suffix))],
  };
}

const isTopLevel = (text: string, lineStart: number): boolean =>
  lineStart < text.length && /[^\s)\]}]/.test(text[lineStart]!);

async function errorsIn(spec: LanguageSpec, source: string): Promise<SyntaxError[]> {
  const tree = await parseSource(spec, source);
  if (!tree) return [];
  try {
    const errors: SyntaxError[] = [];
    if (tree.rootNode.hasError) collect(tree.rootNode, errors);
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
  before: number,
): string {
  const lines = after.replace(/\r\n/g, '\n').split('\n');
  const shown = errors.slice(0, SHOWN_ERRORS).map(({ line, what }) => `  line ${line + 1}: ${what}`);
  const first = Math.max(0, firstChanged - CONTEXT_LINES);
  return [
    `the edit would leave the file with ${errors.length} ${spec.id} syntax error${errors.length > 1 ? 's' : ''}` +
      ` where it had ${before}, so it was not applied (the file is unchanged):`,
    ...shown,
    `The edited region would read:`,
    numberedLines(lines, first, lastChanged + CONTEXT_LINES + 1 - first),
    'Check brackets, quotes and indentation in new_string.',
  ].join('\n');
}

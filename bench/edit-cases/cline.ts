/**
 * Situations from Cline's replace_in_file tests (constructNewFileContent and its edge cases) and
 * from what its two fallbacks accept: a line-trimmed match that disregards indentation, nesting
 * included, and a block-anchor match that only compares the first and last lines of a search of
 * three or more. Both can place an edit where old_string's middle or nesting does not fit; here the
 * middle must match and the nesting must agree, or the edit is refused.
 */
import { lines, type SourceCases } from './spec.js';

const TWO_RENDERERS = lines(
  'function renderHeader(props) {',
  '  const title = props.title;',
  '  return h("h1", title);',
  '}',
  '',
  'function renderFooter(props) {',
  '  const note = props.note;',
  '  return h("small", note);',
  '}',
);

export const CLINE: SourceCases = {
  'exact-unique': [
    ['one-line-in-three', 'lines.txt', 'line1\nline2\nline3', 'line2', 'replaced', 'line1\nreplaced\nline3'],
    [
      'three-line-block-replaced-by-one',
      'lines.txt',
      'line1\nstart\nmiddle\nend\nline5',
      'start\nmiddle\nend',
      'replaced',
      'line1\nreplaced\nline5',
    ],
    [
      'tab-lines-grow',
      'test.js',
      'function test() {\n\tconst a = 1;\n\treturn a;\n}',
      '\tconst a = 1;\n\treturn a;',
      "\tconst a = 42;\n\tconsole.log('updated');\n\treturn a;",
      "function test() {\n\tconst a = 42;\n\tconsole.log('updated');\n\treturn a;\n}",
    ],
    [
      'last-line-deleted-keeps-newline-before',
      'lines.txt',
      'line1\nline2\nline3\nline4',
      'line4',
      '',
      'line1\nline2\nline3',
    ],
  ],
  'whitespace-drift': [
    [
      'spaces-for-tabs-lines-grow',
      'test.js',
      'function test() {\n\tconst a = 1;\n\treturn a;\n}',
      '    const a = 1;\n    return a;',
      "    const a = 42;\n    console.log('updated');\n    return a;",
      "function test() {\n\tconst a = 42;\n\tconsole.log('updated');\n\treturn a;\n}",
    ],
  ],
  'blank-lines': [
    [
      'paragraph-with-its-blank-lines-replaced',
      'page.txt',
      'header\n\nbody\n\nfooter\n',
      '\nbody\n\n',
      'new body content',
      'header\nnew body content\nfooter\n',
    ],
  ],
  'stale-content': [
    [
      'block-anchor-middle-invented',
      'render.js',
      TWO_RENDERERS,
      'function renderHeader(props) {\n  const heading = props.heading;\n  return h("h1", heading);\n}',
      'function renderHeader(props) {\n  const heading = props.heading ?? "";\n  return h("h1", heading);\n}',
      null,
    ],
    [
      'block-anchor-first-and-last-of-different-functions',
      'render.js',
      TWO_RENDERERS,
      '  return h("h1", title);\n}\n\nfunction renderFooter(props) {\n  const footnote = props.footnote;',
      '  return h("h1", title);\n}\n\nfunction renderFooter(props) {\n  const footnote = props.footnote ?? "";',
      null,
    ],
    ['not-in-file', 'lines.txt', 'line1\nline2\nline3', 'non-existent', 'replaced', null],
  ],
  ambiguous: [
    [
      'closing-lines-shared-by-two-functions',
      'render.js',
      TWO_RENDERERS,
      'props) {\n',
      'props = {}) {\n',
      null,
    ],
  ],
  'block-structure': [
    [
      'line-trimmed-python-sibling-pulled-in',
      'handler.py',
      lines('def handler(event):', '    if event.ok:', '        log(event)', '    send(event)'),
      '    if event.ok:\n        log(event)\n        send(event)',
      '    if event.ok:\n        log(event)\n        send(event, retry=True)',
      null,
    ],
    [
      'line-trimmed-nesting-all-flat',
      'handler.py',
      lines('def handler(event):', '    if event.ok:', '        log(event)', '    send(event)'),
      'if event.ok:\nlog(event)\nsend(event)',
      'if event.ok:\nlog(event, level=2)\nsend(event)',
      null,
    ],
    [
      'line-trimmed-consistent-shift-applies',
      'handler.py',
      lines('def handler(event):', '    if event.ok:', '        log(event)', '    send(event)'),
      'if event.ok:\n    log(event)\nsend(event)',
      'if event.ok:\n    log(event, level=2)\nsend(event)',
      lines('def handler(event):', '    if event.ok:', '        log(event, level=2)', '    send(event)'),
    ],
  ],
  'delete-insert': [
    ['first-line-deleted', 'lines.txt', 'line1\nline2\nline3\nline4', 'line1\n', '', 'line2\nline3\nline4'],
    ['empty-search-on-file-with-content', 'lines.txt', 'line1\nline2\n', '', 'new content\n', null],
  ],
};

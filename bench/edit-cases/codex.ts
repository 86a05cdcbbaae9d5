/**
 * Situations from Codex's apply_patch line seeking (seek_sequence.rs and its tests: exact, then
 * trailing whitespace, then both ends, then typographic punctuation and odd spaces) and its
 * tracker, as edit calls.
 */
import { lines, type SourceCases } from './spec.js';

export const CODEX: SourceCases = {
  'exact-unique': [
    [
      'two-of-three-lines',
      'a.txt',
      lines('foo', 'bar', 'baz'),
      'bar\nbaz',
      'bar\nqux',
      lines('foo', 'bar', 'qux'),
    ],
    ['longer-than-file', 'a.txt', lines('just one line'), 'too\nmany\nlines', 'x', null],
  ],
  'whitespace-drift': [
    [
      'trailing-whitespace-in-file',
      'a.txt',
      'foo   \nbar\t\t\nend\n',
      'foo\nbar',
      'foo\nBAR',
      'foo   \nBAR\nend\n',
    ],
    [
      'both-ends-whitespace-same-indent',
      'a.txt',
      '    foo   \n    bar\t\nend\n',
      'foo\nbar',
      'foo\nBAR',
      '    foo   \n    BAR\nend\n',
    ],
    [
      'both-ends-whitespace-nesting-differs',
      'a.txt',
      '    foo   \n   bar\t\nend\n',
      'foo\nbar',
      'foo\nBAR',
      null,
    ],
    [
      'rstrip-match-preferred-over-trim',
      'a.py',
      lines('def f():', '    x = 1  ', '    return x'),
      '    x = 1\n    return x',
      '    x = 2\n    return x',
      lines('def f():', '    x = 2', '    return x'),
    ],
  ],
  unicode: [
    [
      'en-dash-in-file',
      'a.py',
      lines('# range 1\u20135', 'x = range(1, 5)'),
      '# range 1-5\nx = range(1, 5)',
      '# range 1-6\nx = range(1, 6)',
      lines('# range 1\u20136', 'x = range(1, 6)'),
    ],
    [
      'no-break-space-in-file',
      'a.md',
      lines('Price:\u00a010\u00a0EUR', 'Next'),
      'Price: 10 EUR\nNext',
      'Price: 12 EUR\nNext',
      lines('Price:\u00a012\u00a0EUR', 'Next'),
    ],
    [
      'narrow-no-break-space',
      'a.txt',
      lines('10\u202f000 rows', 'done'),
      '10 000 rows\ndone',
      '20 000 rows\ndone',
      lines('20\u202f000 rows', 'done'),
    ],
    [
      'ideographic-space',
      'a.txt',
      lines('\u540d\u524d\u3000\u592a\u90ce', 'end'),
      '\u540d\u524d \u592a\u90ce\nend',
      '\u540d\u524d \u6b21\u90ce\nend',
      lines('\u540d\u524d\u3000\u6b21\u90ce', 'end'),
    ],
    [
      'thin-space-in-number',
      'a.txt',
      lines('total 1\u2009234', 'end'),
      'total 1 234\nend',
      'total 1 235\nend',
      lines('total 1\u2009235', 'end'),
    ],
    [
      'minus-sign',
      'a.md',
      lines('offset \u22123 px', 'end'),
      'offset -3 px\nend',
      'offset -4 px\nend',
      lines('offset \u22124 px', 'end'),
    ],
    [
      'single-curly-quotes',
      'a.py',
      lines("note = '\u2018it\u2019s fine\u2019'", 'ok = 1'),
      "note = ''it's fine''\nok = 1",
      "note = ''it's great''\nok = 1",
      lines("note = '\u2018it\u2019s great\u2019'", 'ok = 1'),
    ],
    [
      'lookalike-two-candidates',
      'a.txt',
      lines('say \u201chi\u201d', 'other', 'say \u201Ehi\u201C'),
      'say "hi"',
      'say "hello"',
      null,
    ],
    [
      'nfd-accent-in-file',
      'a.py',
      lines('name = "cafe\u0301"', 'x = 1'),
      'name = "caf\u00e9"\nx = 1',
      'name = "caf\u00e9s"\nx = 1',
      lines('name = "caf\u00e9s"', 'x = 1'),
    ],
    [
      'emoji-and-cjk-exact',
      'a.md',
      lines('# \u2728 \u65b0\u673a\u80fd', 'text'),
      '# \u2728 \u65b0\u673a\u80fd',
      '# \u2728 \u65b0\u529f\u80fd',
      lines('# \u2728 \u65b0\u529f\u80fd', 'text'),
    ],
  ],
  'delete-insert': [
    [
      'add-line-at-end-of-file',
      'a.py',
      lines('def f():', '    return 1'),
      '    return 1\n',
      '    return 1\n\n\ndef g():\n    return 2\n',
      lines('def f():', '    return 1', '', '', 'def g():', '    return 2'),
    ],
    [
      'delete-function-between-blank-lines',
      'a.py',
      lines('def a():', '    pass', '', 'def b():', '    pass', '', 'def c():', '    pass'),
      'def b():\n    pass\n\n',
      '',
      lines('def a():', '    pass', '', 'def c():', '    pass'),
    ],
  ],
};

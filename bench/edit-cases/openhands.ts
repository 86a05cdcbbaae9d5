/**
 * Situations from the OpenHands str_replace editor's tests (exact and unique, tabs inside lines,
 * deletion with an empty new_str, retry with old_str stripped of surrounding whitespace, several
 * occurrences refused) and its tracker.
 */
import { lines, type SourceCases } from './spec.js';

export const OPENHANDS: SourceCases = {
  'exact-unique': [
    [
      'word-in-sentence',
      'doc.txt',
      'This is a test file.\nThis file is for testing purposes.',
      'test file',
      'sample file',
      'This is a sample file.\nThis file is for testing purposes.',
    ],
    [
      'whole-line',
      'a.txt',
      lines('line 1', 'line 2', 'line 3'),
      'line 2',
      'replaced line',
      lines('line 1', 'replaced line', 'line 3'),
    ],
    [
      'tabs-inside-line',
      'a.tsv',
      lines('name\tage', 'line\twith\ttabs', 'end'),
      'line\twith\ttabs',
      'new\tline\twith\ttabs',
      lines('name\tage', 'new\tline\twith\ttabs', 'end'),
    ],
    [
      'xml-like-content',
      'parse.py',
      lines('match = re.search(', "    r'<out_[0-9a-f]{32}>(.*?)</out_[0-9a-f]{32}>',", '    result,', ')'),
      "r'<out_[0-9a-f]{32}>(.*?)</out_[0-9a-f]{32}>'",
      "r'<out>(.*?)</out>'",
      lines('match = re.search(', "    r'<out>(.*?)</out>',", '    result,', ')'),
    ],
  ],
  ambiguous: [
    [
      'two-lines-same-text',
      'a.py',
      lines('def a():', '    return None', 'def b():', '    return None'),
      '    return None',
      '    return 0',
      null,
    ],
    ['short-token', 'a.py', lines('x = 1', 'y = x + 1'), 'x', 'z', null],
    [
      'whitespace-stripped-retry-ambiguous',
      'a.py',
      lines('if a:', '    go()', 'if b:', '    go()'),
      '\n    go()\n\n',
      '\n    run()\n\n',
      null,
    ],
  ],
  'delete-insert': [
    [
      'delete-one-line',
      'a.py',
      lines('import os', 'import sys', 'print(sys.argv)'),
      'import os\n',
      '',
      lines('import sys', 'print(sys.argv)'),
    ],
    [
      'delete-line-without-its-newline',
      'a.py',
      lines('import os', 'import sys', 'print(sys.argv)'),
      'import os',
      '',
      lines('import sys', 'print(sys.argv)'),
    ],
    ['delete-last-line-no-final-newline', 'a.py', 'a = 1\nb = 2', 'b = 2', '', 'a = 1'],
    [
      'delete-block-in-middle',
      'a.ts',
      lines('a();', '// debug', 'console.log(x);', 'b();'),
      '// debug\nconsole.log(x);\n',
      '',
      lines('a();', 'b();'),
    ],
    [
      'delete-part-of-line',
      'a.ts',
      lines('call(a, b, /* unused */ c);'),
      ' /* unused */',
      '',
      lines('call(a, b, c);'),
    ],
    [
      'insert-after-anchor-line',
      'a.py',
      lines('import os', 'import sys', '', 'main()'),
      'import sys\n',
      'import sys\nimport json\n',
      lines('import os', 'import sys', 'import json', '', 'main()'),
    ],
    [
      'insert-before-first-line',
      'a.py',
      lines('import os', 'main()'),
      'import os',
      '#!/usr/bin/env python3\nimport os',
      lines('#!/usr/bin/env python3', 'import os', 'main()'),
    ],
    ['append-at-end-without-newline', 'a.txt', 'one\ntwo', 'two', 'two\nthree', 'one\ntwo\nthree'],
  ],
  'whitespace-drift': [
    [
      'surrounding-whitespace-stripped',
      'a.py',
      lines('def f():', '    value = compute()', '    return value'),
      '  value = compute()  ',
      '  value = compute(1)  ',
      lines('def f():', '    value = compute(1)', '    return value'),
    ],
  ],
};

/**
 * Situations from Continue's find-and-replace tests (findSearchMatch's strategies: exact, trimmed,
 * case-insensitive, whitespace-ignored; multi-edit chains). Continue falls back to a
 * case-insensitive match and to one that drops every whitespace character; edit does neither, since
 * case and word boundaries carry meaning (`Config` and `config`, `typeof a` and `typeofa`), but it
 * does let whitespace differ in amount between the same tokens.
 */
import { lines, type SourceCases } from './spec.js';

const TAX = lines('def calculate_tax():', '    rate = 0.1', '    return rate');

export const CONTINUE: SourceCases = {
  'exact-unique': [
    [
      'fragment-with-braces-and-quotes',
      'test.js',
      lines('function test() { return "hello"; }'),
      '{ return "hello"; }',
      '{ return "bye"; }',
      lines('function test() { return "bye"; }'),
    ],
    [
      'second-line-of-two',
      'a.txt',
      lines('line1', 'line2', 'line3'),
      'line2\nline3',
      'line2\nline3b',
      lines('line1', 'line2', 'line3b'),
    ],
    [
      'two-edits-one-after-another-second-still-there',
      'tax.py',
      lines('def calculate_tax():', '    tax_rate = 0.15', '    return rate'),
      'return rate',
      'return tax_rate',
      lines('def calculate_tax():', '    tax_rate = 0.15', '    return tax_rate'),
    ],
  ],
  'stale-content': [
    [
      'case-differs',
      'vars.js',
      lines('const myVariable = 42;'),
      'const MYVARIABLE = 42;',
      'const MYVARIABLE = 43;',
      null,
    ],
    [
      'case-differs-two-spellings-in-file',
      'settings.py',
      lines('Config = load_defaults()', 'config = load_user()'),
      'CONFIG = load_user()',
      'CONFIG = load_user(strict=True)',
      null,
    ],
    [
      'function-name-case',
      'click.js',
      lines('function HandleClick() {', '  go();', '}'),
      'function handleclick() {',
      'function handleClick() {',
      null,
    ],
    [
      'earlier-edit-renamed-what-search-names',
      'data.py',
      lines('user_data = get_data()', 'process(user_data)', 'return user_data'),
      'process(data)',
      'process_user_data(user_data)',
      null,
    ],
    [
      'already-edited-line',
      'tax.py',
      lines('def calculate_tax():', '    tax_rate = 0.15', '    return tax_rate'),
      '    rate = 0.1',
      '    tax_rate = 0.15',
      null,
    ],
  ],
  'whitespace-drift': [
    [
      'padded-single-line-search',
      'greet.txt',
      lines('hello world'),
      '  hello  ',
      '  hi  ',
      lines('hi world'),
    ],
    [
      'one-line-search-for-three-line-function',
      'test.js',
      lines('before', 'function test() {', '  return true;', '}', 'after'),
      'function test(){return true;}',
      'function test() {\n  return false;\n}',
      lines('before', 'function test() {', '  return false;', '}', 'after'),
    ],
    [
      'spaces-for-tab-in-function',
      'test.js',
      lines('function test() {', '\treturn 42;', '}'),
      'function test() {\n    return 42;\n}',
      'function test() {\n    return 43;\n}',
      lines('function test() {', '\treturn 43;', '}'),
    ],
    [
      'operators-without-spaces',
      'math.js',
      lines('const complex = Math.sqrt(  x ** 2   +   y ** 2  );', 'const other = 1;'),
      'const complex = Math.sqrt(x ** 2 + y ** 2);',
      'const complex = Math.hypot(x, y);',
      lines('const complex = Math.hypot(x, y);', 'const other = 1;'),
    ],
  ],
  'token-boundary': [
    [
      'words-glued-together',
      'calc.js',
      lines('if (typeof a === "number" && typeof b === "number") {', '  return a + b;', '}'),
      'if(typeofa==="number"&&typeofb==="number"){',
      'if (isNumber(a) && isNumber(b)) {',
      null,
    ],
    [
      'sql-keywords-glued',
      'query.sql',
      lines(
        'SELECT users.name,',
        '       users.email',
        'FROM users',
        'INNER JOIN profiles ON users.id = profiles.user_id',
      ),
      'FROMusersINNERJOINprofiles',
      'FROM users LEFT JOIN profiles',
      null,
    ],
  ],
  'line-endings': [
    [
      'crlf-html-block',
      'index.html',
      '<html>\r\n  <body>\r\n    <div id="app">\r\n      <p>Hello &amp; goodbye</p>\r\n    </div>\r\n  </body>\r\n</html>\r\n',
      '    <div id="app">\n      <p>Hello &amp; goodbye</p>\n    </div>',
      '    <div id="app">\n      <p>Hello &amp; welcome</p>\n      <p>Stay a while</p>\n    </div>',
      '<html>\r\n  <body>\r\n    <div id="app">\r\n      <p>Hello &amp; welcome</p>\r\n      <p>Stay a while</p>\r\n    </div>\r\n  </body>\r\n</html>\r\n',
    ],
    [
      'crlf-batch-file-line',
      'run.bat',
      '@echo off\r\nset PATH=%PATH%;C:\\tools\r\necho Done.\r\n',
      'set PATH=%PATH%;C:\\tools\n',
      'set PATH=%PATH%;C:\\tools;C:\\bin\n',
      '@echo off\r\nset PATH=%PATH%;C:\\tools;C:\\bin\r\necho Done.\r\n',
    ],
  ],
  unicode: [
    [
      'odd-spaces-in-file-line',
      'proc.js',
      'function process(input) {\u00a0\n\treturn\u2009input.trim();\n}\n',
      'function process(input) {\n\treturn input.trim();\n}',
      'function process(input) {\n\treturn input.trim().toLowerCase();\n}',
      'function process(input) {\u00a0\n\treturn\u2009input.trim().toLowerCase();\n}\n',
    ],
    [
      'emoji-and-accents-exact',
      'message.js',
      lines('const message = {', '  greeting: "Hello 👋",', '  emoji: "🚀",', '  unicode: "café",', '};'),
      '  unicode: "café",',
      '  unicode: "naïve café",',
      lines(
        'const message = {',
        '  greeting: "Hello 👋",',
        '  emoji: "🚀",',
        '  unicode: "naïve café",',
        '};',
      ),
    ],
  ],
  'replace-all': [
    ['single-letter-words', 'letters.txt', 'x y x z x', 'x', 'a', 'a y a z a', true],
    [
      'word-in-two-lines',
      'hello.txt',
      lines('Hello world', 'This is a test file', 'Goodbye world'),
      'world',
      'universe',
      lines('Hello universe', 'This is a test file', 'Goodbye universe'),
      true,
    ],
  ],
  'delete-insert': [
    ['whitespace-only-search', 'notes.txt', lines('some content'), '   \n\t  ', 'inserted\n', null],
    [
      'new-first-line-before-existing-line',
      'tax.py',
      TAX,
      'def calculate_tax():\n',
      'import math\n\ndef calculate_tax():\n',
      lines('import math', '', 'def calculate_tax():', '    rate = 0.1', '    return rate'),
    ],
  ],
};

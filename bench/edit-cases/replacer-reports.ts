/**
 * Reports against OpenCode's chain of replacers and the tools that adopted or resemble it (Zed's
 * edit_file, nanobot, Zero): a block-anchor match accepting an invented middle when one anchor is a
 * lone `}`, a drifted interior line, re-indentation that doubled the continuation lines of an
 * old_string starting mid-line, trailing-newline fallbacks that lost indentation or added a blank
 * line, and the first line of new_string losing its indentation. Written anew as our own cases.
 */
import { lines, type SourceCases } from './spec.js';

const DATABASE = lines(
  'class DatabaseConnection {',
  '  private pool: ConnectionPool',
  '',
  '  async query(sql: string, params: unknown[]) {',
  '    const conn = await this.pool.acquire()',
  '    try {',
  '      return (await conn.execute(sql, params)).rows',
  '    } finally {',
  '      this.pool.release(conn)',
  '    }',
  '  }',
  '}',
);

const GO_FUNC = lines('func a() {', '\tx := 1', '\ty := 2', '\tz := 3', '\treturn', '}');

const OUTER = lines(
  'class Outer:',
  '    def method(self):',
  '        self.kept = "unchanged"',
  '        self.target_a = "before"',
  '        self.target_b = "before"',
  '        self.kept_2 = "unchanged"',
);

export const REPLACER_REPORTS: SourceCases = {
  'stale-content': [
    [
      'closing-brace-anchor-invented-middle',
      'db.ts',
      DATABASE,
      '  async query(sql: string, params: unknown[]) {\n    const rows = await this.pool.run(sql, params)\n    return rows\n  }',
      '  async query(sql: string, params: unknown[]) {\n    const rows = await this.pool.run(sql, params)\n    return rows ?? []\n  }',
      null,
    ],
    [
      'interior-line-drifted',
      'a.go',
      GO_FUNC,
      'func a() {\n\tx := 1\n\ty := 99\n\tz := 3\n\treturn\n}',
      'func a() {\n\tx := 1\n\ty := 99\n\tz := 4\n\treturn\n}',
      null,
    ],
    [
      'two-lines-and-newline-both-anchors',
      'a.go',
      GO_FUNC,
      'func a() {\n}\n',
      'func a() {\n\tpanic("todo")\n}\n',
      null,
    ],
  ],
  'whitespace-drift': [
    [
      'first-line-without-indent-rest-exact',
      'outer.py',
      OUTER,
      'self.target_a = "before"\n        self.target_b = "before"',
      'self.target_a = "after"\n        self.target_b = "after"',
      lines(
        'class Outer:',
        '    def method(self):',
        '        self.kept = "unchanged"',
        '        self.target_a = "after"',
        '        self.target_b = "after"',
        '        self.kept_2 = "unchanged"',
      ),
    ],
    [
      'three-space-body-searched-unindented-with-newline',
      'setup.py',
      lines('if ready:', '   name = nanobot', '   version = 0.3.0', 'next_step()'),
      'name = nanobot\nversion = 0.3.0\n',
      'name = nanonewbot\nversion = 0.3.5\n',
      lines('if ready:', '   name = nanonewbot', '   version = 0.3.5', 'next_step()'),
    ],
    [
      'three-space-body-at-end-without-newline',
      'setup.py',
      'if ready:\n   name = nanobot\n   version = 0.3.0',
      'name = nanobot\nversion = 0.3.0\n',
      'name = nanonewbot\nversion = 0.3.5\n',
      'if ready:\n   name = nanonewbot\n   version = 0.3.5',
    ],
    [
      'three-space-body-crlf',
      'setup.py',
      'if ready:\r\n   name = nanobot\r\n   version = 0.3.0\r\nnext_step()\r\n',
      'name = nanobot\nversion = 0.3.0\n',
      'name = nanonewbot\nversion = 0.3.5\n',
      'if ready:\r\n   name = nanonewbot\r\n   version = 0.3.5\r\nnext_step()\r\n',
    ],
  ],
  'exact-unique': [
    [
      'deep-first-line-keeps-its-indent',
      'calc.py',
      lines(
        'def run():',
        '    try:',
        '        if condition:',
        '            result = calculate()',
        '            return result',
        '    except ValueError:',
        '        pass',
      ),
      '        if condition:\n            result = calculate()\n            return result',
      '        if condition:\n            new_result = calculate_v2()\n            return new_result',
      lines(
        'def run():',
        '    try:',
        '        if condition:',
        '            new_result = calculate_v2()',
        '            return new_result',
        '    except ValueError:',
        '        pass',
      ),
    ],
    [
      'line-added-inside-try',
      'example.py',
      lines(
        'def example():',
        '    try:',
        '        result = process_data()',
        '        return result',
        '    except Exception as e:',
        '        log_error(e)',
      ),
      '        result = process_data()\n        return result',
      '        result = process_data()\n        validate(result)\n        return result',
      lines(
        'def example():',
        '    try:',
        '        result = process_data()',
        '        validate(result)',
        '        return result',
        '    except Exception as e:',
        '        log_error(e)',
      ),
    ],
  ],
  'blank-lines': [
    [
      'blank-line-inside-block-has-spaces-in-file',
      'a.ts',
      lines('function f() {', '  const a = 1;', '  ', '  return a;', '}'),
      'function f() {\n  const a = 1;\n\n  return a;\n}',
      'function f() {\n  const a = 2;\n\n  return a;\n}',
      lines('function f() {', '  const a = 2;', '  ', '  return a;', '}'),
    ],
  ],
};

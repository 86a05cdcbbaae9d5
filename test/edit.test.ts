import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/sandbox/sandbox.js';
import { editTool } from '../tools/edit/edit.js';
import { readTool } from '../tools/read.js';
import { ToolRegistry } from '../tools/registry.js';
import { callTool } from './support/tool-context.js';
import type { ToolResult } from '../tools/tool.js';
import { Workspace } from '../tools/workspace.js';

let root: string;
let workspace: Workspace;
const registry = new ToolRegistry([editTool, readTool]);

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'edit-test-'));
  workspace = new Workspace(root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const edit = (args: Record<string, unknown>): Promise<ToolResult> => call('edit', args);

function call(name: string, args: Record<string, unknown>): Promise<ToolResult> {
  return callTool(registry.get(name)!, args, {
    workspace,
    // edit never runs commands, so no sandbox is started
    sandbox: {} as Sandbox,
    signal: new AbortController().signal,
    onOutput: () => {},
    requestPermission: async () => false,
  });
}

/** Writes a file and records it as read, as the read tool would. */
async function seen(name: string, content: string | Buffer): Promise<string> {
  const file = path.join(root, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  workspace.recordRead(workspace.resolve(name), await readFile(file));
  return file;
}

const text = (file: string) => readFile(file, 'utf8');

describe('edit: exact matches', () => {
  it('replaces a unique exact match and shows a diff with line numbers', async () => {
    const file = await seen('a.ts', 'const a = 1;\nconst b = 2;\nconst c = 3;\n');
    const result = await edit({ path: 'a.ts', old_string: 'const b = 2;', new_string: 'const b = 20;' });
    expect(result.isError).toBe(false);
    expect(await text(file)).toBe('const a = 1;\nconst b = 20;\nconst c = 3;\n');
    expect(result.output).toContain('-    2 const b = 2;');
    expect(result.output).toContain('+    2 const b = 20;');
  });

  it('refuses an ambiguous match, listing the line numbers of each place', async () => {
    const file = await seen('a.ts', 'x();\ny();\nx();\nz();\nx();\n');
    const result = await edit({ path: 'a.ts', old_string: 'x();', new_string: 'w();' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('3 places');
    expect(result.output).toContain('line 1, line 3, line 5');
    expect(result.output).toContain('replace_all');
    expect(await text(file)).toBe('x();\ny();\nx();\nz();\nx();\n');
  });

  it('replaces every occurrence with replace_all and says how many', async () => {
    const file = await seen('a.ts', 'x();\ny();\nx();\n');
    const result = await edit({ path: 'a.ts', old_string: 'x()', new_string: 'w()', replace_all: true });
    expect(result.output).toContain('2 occurrences');
    expect(await text(file)).toBe('w();\ny();\nw();\n');
  });

  it('replaces thousands of occurrences with a diff that applies back, the file ending without a newline too', async () => {
    // 3,000 changed lines exceed the bound of the minimal diff (quadratic): the diff is one hunk instead.
    for (const end of ['\n', '']) {
      const before = Array.from({ length: 3_000 }, (_, i) => `x(${i});`).join('\n') + `\nkeep();${end}`;
      const file = await seen('a.ts', `head();\n${before}`);
      const result = await edit({ path: 'a.ts', old_string: 'x(', new_string: 'w(', replace_all: true });
      expect(result.output).toContain('3000 occurrences');
      const after = await text(file);
      expect(after).toBe(`head();\n${before.replaceAll('x(', 'w(')}`);
      // What git makes of the diff: applied to the file as it was, it gives the file as it is.
      await writeFile(file, `head();\n${before}`);
      execFileSync('git', ['apply', '-'], { cwd: root, input: (result.detail as { diff: string }).diff });
      expect(await text(file)).toBe(after);
      expect(result.detail).toMatchObject({ added: 3_000, removed: 3_000 });
    }
  });

  it('refuses identical old and new strings', async () => {
    await seen('a.ts', 'x\n');
    const result = await edit({ path: 'a.ts', old_string: 'x', new_string: 'x' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('identical');
  });

  it('picks the exact block over a near-duplicate', async () => {
    const file = await seen('a.ts', 'if (a) {\n  run(1);\n}\nif (a) {\n  run(2);\n}\n');
    await edit({ path: 'a.ts', old_string: 'if (a) {\n  run(2);\n}', new_string: 'if (a) {\n  run(3);\n}' });
    expect(await text(file)).toBe('if (a) {\n  run(1);\n}\nif (a) {\n  run(3);\n}\n');
  });
});

describe('edit: tolerant matches', () => {
  it('re-applies the file indentation when the model gives the block at another depth', async () => {
    const file = await seen(
      'a.py',
      'class A:\n    def f(self):\n        if x:\n            return 1\n        return 2\n',
    );
    const result = await edit({
      path: 'a.py',
      old_string: 'if x:\n    return 1',
      new_string: 'if x:\n    log()\n    return 1',
    });
    expect(result.isError).toBe(false);
    expect(result.output).toContain("follow the file's indentation");
    expect(await text(file)).toBe(
      'class A:\n    def f(self):\n        if x:\n            log()\n            return 1\n        return 2\n',
    );
  });

  it('converts spaces in new_string to the tabs the file uses', async () => {
    const file = await seen('a.go', 'func f() {\n\tif x {\n\t\ty()\n\t}\n}\n');
    await edit({
      path: 'a.go',
      old_string: '    if x {\n        y()\n    }',
      new_string: '    if x {\n        y()\n        z()\n    }',
    });
    expect(await text(file)).toBe('func f() {\n\tif x {\n\t\ty()\n\t\tz()\n\t}\n}\n');
  });

  it('matches despite trailing whitespace and keeps it on lines the edit leaves alone', async () => {
    const file = await seen('a.js', 'a();  \nb();\t\nc();\n');
    await edit({ path: 'a.js', old_string: 'a();\nb();', new_string: 'a();\nB();' });
    expect(await text(file)).toBe('a();  \nB();\nc();\n');
  });

  it('refuses a tolerant match that fits several places', async () => {
    const file = await seen('a.ts', 'function f() {\n  go();\n}\nfunction g() {\n    go();\n}\n');
    const result = await edit({ path: 'a.ts', old_string: '\tgo();', new_string: '\tstop();' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('2 places');
    expect(result.output).toContain('line 2, line 5');
    expect(await text(file)).toBe('function f() {\n  go();\n}\nfunction g() {\n    go();\n}\n');
  });

  it('shows the closest region with line numbers and the differing line on a miss', async () => {
    await seen('a.ts', 'one();\ntwo();\nfunction total(items) {\n  return items.length;\n}\nthree();\n');
    const result = await edit({
      path: 'a.ts',
      old_string: 'function total(items) {\n  return items.size;\n}',
      new_string: 'x',
    });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('lines 3-5');
    expect(result.output).toContain('     4 |   return items.length;');
    expect(result.output).toContain(
      'line 4: the file has "return items.length;" where old_string has "return items.size;"',
    );
  });
});

describe('edit: recovering garbled old_string', () => {
  it('drops line numbers copied from read output', async () => {
    const file = await seen('a.ts', 'const a = 1;\nconst b = 2;\nconst c = 3;\n');
    const result = await edit({
      path: 'a.ts',
      old_string: '     2\tconst b = 2;\n     3\tconst c = 3;',
      new_string: '     2\tconst b = 2;\n     3\tconst c = 4;',
    });
    expect(result.output).toContain('line-number prefixes');
    expect(await text(file)).toBe('const a = 1;\nconst b = 2;\nconst c = 4;\n');
  });

  it('accepts lines copied verbatim from the read tool, gutter included', async () => {
    const file = path.join(root, 'a.py');
    await writeFile(file, 'def f():\n    a = 1\n    b = 2\n');
    const page = (await call('read', { path: 'a.py' })).output;
    const copied = page.split('\n').slice(1, 3).join('\n');
    const result = await edit({ path: 'a.py', old_string: copied, new_string: '    a = 1\n    b = 3' });
    expect(result.output).toContain('line-number prefixes');
    expect(await text(file)).toBe('def f():\n    a = 1\n    b = 3\n');
  });

  it('decodes strings that were escaped twice', async () => {
    const file = await seen('a.ts', 'if (x) {\n  say("hi");\n}\n');
    await edit({ path: 'a.ts', old_string: '  say(\\"hi\\");\\n}', new_string: '  say(\\"bye\\");\\n}' });
    expect(await text(file)).toBe('if (x) {\n  say("bye");\n}\n');
  });

  it('matches a block that starts mid-line with different spacing, re-indenting the following lines', async () => {
    const file = await seen('a.ts', 'class A {\n    run(a, b) {\n        go(a, b);\n    }\n}\n');
    await edit({
      path: 'a.ts',
      old_string: 'run(a,b) {\n  go(a,b);',
      new_string: 'run(a,b) {\n  go(a,b);\n  stop();',
    });
    expect(await text(file)).toBe(
      'class A {\n    run(a, b) {\n        go(a, b);\n        stop();\n    }\n}\n',
    );
  });

  it('matches typographic quotes and decomposed accents written in their plain forms', async () => {
    const file = await seen('a.py', `msg = "it\u2019s caf${'e\u0301'}"\nother = 1\n`);
    await edit({
      path: 'a.py',
      old_string: 'msg = "it\'s café"\nother = 1',
      new_string: 'msg = "it\'s café"\nother = 2',
    });
    expect(await text(file)).toBe(`msg = "it\u2019s caf${'e\u0301'}"\nother = 2\n`);
  });

  it('removes whole lines when a tolerant match is replaced by nothing', async () => {
    const file = await seen('a.ts', 'a();\n  b();\nc();\n');
    await edit({ path: 'a.ts', old_string: '\tb();', new_string: '' });
    expect(await text(file)).toBe('a();\nc();\n');
  });
});

describe('edit: file format', () => {
  it('matches LF strings in a CRLF file and writes CRLF back', async () => {
    const file = await seen('a.txt', 'one\r\ntwo\r\nthree\r\n');
    await edit({ path: 'a.txt', old_string: 'one\ntwo\n', new_string: 'one\n2\n' });
    expect(await text(file)).toBe('one\r\n2\r\nthree\r\n');
  });

  it('keeps the UTF-8 byte order mark', async () => {
    const file = await seen(
      'a.txt',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('héllo wörld\n')]),
    );
    await edit({ path: 'a.txt', old_string: 'wörld', new_string: 'wélt 🌍' });
    const bytes = await readFile(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('héllo wélt 🌍\n');
  });

  it('keeps the final newline when the edit removes the last line break', async () => {
    const file = await seen('a.txt', 'a\nb\n');
    await edit({ path: 'a.txt', old_string: 'b\n', new_string: 'c' });
    expect(await text(file)).toBe('a\nc\n');
  });

  it('leaves the line endings of untouched lines alone in a file with mixed endings', async () => {
    const file = await seen('a.txt', 'one\r\ntwo\nthree\r\n');
    await edit({ path: 'a.txt', old_string: 'two', new_string: '2' });
    expect(await text(file)).toBe('one\r\n2\nthree\r\n');
  });

  it('refuses text that is not UTF-8', async () => {
    await seen('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const result = await edit({ path: 'latin1.txt', old_string: 'caf', new_string: 'tea' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('not valid UTF-8');
  });

  it('refuses binary files', async () => {
    await seen('a.bin', Buffer.from([0x41, 0x00, 0x42]));
    const result = await edit({ path: 'a.bin', old_string: 'A', new_string: 'B' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('binary');
  });

  it('writes atomically: keeps the file mode and leaves no temporary file', async () => {
    const file = await seen('run.sh', '#!/bin/sh\necho hi\n');
    await chmod(file, 0o755);
    await edit({ path: 'run.sh', old_string: 'echo hi', new_string: 'echo bye' });
    expect((await stat(file)).mode & 0o777).toBe(0o755);
    expect(await readdir(root)).toEqual(['run.sh']);
  });
});

describe('edit: read-before-edit and paths', () => {
  it('refuses a file that was not read in this session', async () => {
    const file = path.join(root, 'a.ts');
    await writeFile(file, 'x\n');
    const result = await edit({ path: 'a.ts', old_string: 'x', new_string: 'y' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('has not been read');
    expect(await text(file)).toBe('x\n');
  });

  it('refuses a file changed on disk since it was read', async () => {
    const file = await seen('a.ts', 'x\n');
    await writeFile(file, 'x\nmore\n');
    const result = await edit({ path: 'a.ts', old_string: 'x', new_string: 'y' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('changed on disk');
  });

  it('allows successive edits without reading again', async () => {
    const file = await seen('a.ts', 'a\nb\n');
    expect((await edit({ path: 'a.ts', old_string: 'a', new_string: 'A' })).isError).toBe(false);
    expect((await edit({ path: 'a.ts', old_string: 'b', new_string: 'B' })).isError).toBe(false);
    expect(await text(file)).toBe('A\nB\n');
  });

  it('creates a new file (and its directories) from an empty old_string, then allows editing it', async () => {
    const result = await edit({ path: 'src/new.ts', old_string: '', new_string: 'export {};\n' });
    expect(result.output).toContain('Created src/new.ts');
    expect(await text(path.join(root, 'src/new.ts'))).toBe('export {};\n');
    expect(
      (await edit({ path: 'src/new.ts', old_string: 'export {};', new_string: 'export const a = 1;' }))
        .isError,
    ).toBe(false);
  });

  it('refuses an empty old_string on a file with content', async () => {
    await seen('a.ts', 'x\n');
    const result = await edit({ path: 'a.ts', old_string: '', new_string: 'y' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('already has content');
  });

  it('refuses a missing file when old_string is not empty', async () => {
    const result = await edit({ path: 'nope.ts', old_string: 'x', new_string: 'y' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('does not exist');
  });

  it('refuses paths outside the workspace, also through symlinks', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'edit-outside-'));
    await writeFile(path.join(outside, 'secret.txt'), 'x\n');
    await symlink(outside, path.join(root, 'link'));
    const escaped = await edit({ path: '../secret.txt', old_string: '', new_string: 'y' });
    const linked = await edit({ path: 'link/secret.txt', old_string: 'x', new_string: 'y' });
    expect(escaped.isError && linked.isError).toBe(true);
    expect(escaped.output).toContain('outside the workspace');
    expect(await text(path.join(outside, 'secret.txt'))).toBe('x\n');
    await rm(outside, { recursive: true, force: true });
  });
});

describe('edit: tolerant matches stay in their place', () => {
  it('does not match inside a longer token or mid-line where old_string had a line break', async () => {
    const file = await seen(
      'a.py',
      'def f():\n    return foobar\ncount = 10\nrate_limit = 5\ntarget("key")\n',
    );
    for (const [old_string, new_string] of [
      ['get( "key" )', 'get( "other" )'],
      ['count  = 1', 'count  = 2'],
      ['return foo\n', 'return bar\n'],
      ['count = 1\n', 'count = 2\n'],
      ['\nlimit = 5', '\nlimit = 6'],
    ]) {
      const result = await edit({ path: 'a.py', old_string, new_string });
      expect(result.isError).toBe(true);
    }
    expect(await text(file)).toBe('def f():\n    return foobar\ncount = 10\nrate_limit = 5\ntarget("key")\n');
  });

  it('refuses a block whose nesting differs from the file, showing the region', async () => {
    const content =
      'def g(items):\n    for i in items:\n        if i:\n            use(i)\n        done(i)\n';
    const file = await seen('a.py', content);
    const result = await edit({
      path: 'a.py',
      old_string: 'for i in items:\n    if i:\n        use(i)\ndone(i)',
      new_string: 'for i in items:\n    if i:\n        use(i)\nfinish(i)',
    });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('nested differently');
    expect(result.output).toContain('     5 |         done(i)');
    expect(await text(file)).toBe(content);
    const inverted = await seen('b.py', 'def f():\n    a()\nb()\n');
    const swapped = await edit({ path: 'b.py', old_string: 'a()\n    b()', new_string: 'a()\n    c()' });
    expect(swapped.output).toContain('nested differently');
    expect(await text(inverted)).toBe('def f():\n    a()\nb()\n');
  });

  it('keeps line placement in a CRLF file when a look-alike block is re-indented', async () => {
    const file = await seen('a.py', 'def f(x):\r\n    if x:\r\n        say(\u201chi\u201d)\r\n    b()\r\n');
    await edit({
      path: 'a.py',
      old_string: 'if x:\n    say("hi")\nb()',
      new_string: 'if x:\n    say("hi")\n    c()\nb()',
    });
    expect(await text(file)).toBe(
      'def f(x):\r\n    if x:\r\n        say(\u201chi\u201d)\r\n        c()\r\n    b()\r\n',
    );
  });

  it('replaces the whole span when the file wraps the text elsewhere, losing and doubling nothing', async () => {
    const file = await seen(
      'notes.txt',
      'The quick brown fox jumps over the\nlazy dog and keeps on running.\n',
    );
    await edit({
      path: 'notes.txt',
      old_string: 'quick brown fox jumps\nover the lazy dog',
      new_string: 'quick brown fox leaps\nover the lazy dog',
    });
    expect(await text(file)).toBe('The quick brown fox leaps\nover the lazy dog and keeps on running.\n');
  });
});

describe('edit: indentation units', () => {
  it('writes GNU-style indentation: spaces for a level, a tab for eight columns', async () => {
    const file = await seen('a.c', 'int\nmain (void)\n{\n    if (x)\n\t{\n\t    foo ();\n\t}\n}\n');
    await edit({
      path: 'a.c',
      old_string: 'if (x)\n    {\n        foo ();\n    }',
      new_string: 'if (x)\n    {\n        foo ();\n        bar ();\n    }',
    });
    expect(await text(file)).toBe(
      'int\nmain (void)\n{\n    if (x)\n\t{\n\t    foo ();\n\t    bar ();\n\t}\n}\n',
    );
  });

  it('keeps hanging-indent alignment instead of scaling it as levels', async () => {
    const file = await seen(
      'a.py',
      'def f():\n    result = compute(first,\n                     second)\n    return result\n',
    );
    await edit({
      path: 'a.py',
      old_string: 'def f():\n  result = compute(first,\n                   second)',
      new_string:
        'def f():\n  result = compute(first,\n                   second,\n                   third)',
    });
    expect(await text(file)).toBe(
      'def f():\n    result = compute(first,\n                     second,\n                     third)\n    return result\n',
    );
  });
});

describe('edit: hanging indents', () => {
  it("aligns a new continuation line under the open bracket, in the file's columns", async () => {
    const file = await seen('a.py', 'def f():\n    result = compute(first)\n    return result\n');
    await edit({
      path: 'a.py',
      old_string: 'def f():\n  result = compute(first)',
      new_string: 'def f():\n  result = compute(first,\n                   second)',
    });
    expect(await text(file)).toBe(
      'def f():\n    result = compute(first,\n                     second)\n    return result\n',
    );
  });
});

describe('edit: typography and edits that change nothing', () => {
  it('keeps curly quotes and other look-alikes on a changed line the model wrote in ASCII', async () => {
    const file = await seen('a.md', 'msg = \u201cHello\u201d\nlabel = "pre\u2011release"\n');
    await edit({
      path: 'a.md',
      old_string: 'msg = "Hello"\nlabel = "pre-release"',
      new_string: 'msg = "Hello, world"\nlabel = "pre-release build"',
    });
    expect(await text(file)).toBe('msg = \u201cHello, world\u201d\nlabel = "pre\u2011release build"\n');
  });

  it('refuses, instead of reporting a replacement, an edit that would leave the file as it is', async () => {
    const file = await seen('a.py', 'x = 1\ny = 2\n');
    const result = await edit({ path: 'a.py', old_string: 'x = 1 \ny = 2', new_string: 'x = 1\ny = 2' });
    expect(result.isError).toBe(true);
    expect(result.output).not.toContain('replaced');
    expect(result.output).toContain('leave the file as it is');
    expect(await text(file)).toBe('x = 1\ny = 2\n');
  });

  it('removes the blank line a model meant to remove, even when it holds spaces', async () => {
    const file = await seen('a.py', 'def f():\n    pass\n  \n  \ndef g():\n    pass\n');
    await edit({ path: 'a.py', old_string: '\n\ndef g():', new_string: '\ndef g():' });
    expect(await text(file)).toBe('def f():\n    pass\n\ndef g():\n    pass\n');
  });
});

describe('edit: syntax gate', () => {
  it('refuses an edit that breaks the syntax, leaving the file untouched and showing the errors', async () => {
    const content = 'function f(a: number) {\n  if (a > 1) {\n    return a;\n  }\n  return 0;\n}\n';
    const file = await seen('a.ts', content);
    const result = await edit({
      path: 'a.ts',
      old_string: '    return a;\n  }',
      new_string: '    return a;',
    });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('typescript syntax error');
    expect(result.output).toContain('missing "}"');
    expect(result.output).toContain('     3 |     return a;');
    expect(await text(file)).toBe(content);
  });

  it('allows edits to a file that was already broken, and to files in languages it does not parse', async () => {
    const broken = await seen('a.ts', 'function f( {\n  return 1;\n}\n');
    expect((await edit({ path: 'a.ts', old_string: 'return 1;', new_string: 'return 2;' })).isError).toBe(
      false,
    );
    expect(await text(broken)).toBe('function f( {\n  return 2;\n}\n');
    const plain = await seen('a.txt', 'function f() {\n}\n');
    expect((await edit({ path: 'a.txt', old_string: '}', new_string: '' })).isError).toBe(false);
    expect(await text(plain)).toBe('function f() {\n');
  });

  it('in a long file, refuses a breaking edit on the evidence around it and names the right line', async () => {
    const functions = Array.from(
      { length: 300 },
      (_, i) => `export function f${i}(): number {\n  return ${i};\n}\n`,
    );
    const content = functions.join('');
    const file = await seen('long.ts', content);
    const result = await edit({ path: 'long.ts', old_string: '  return 250;', new_string: '  return (250;' });
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/ line 752: /);
    expect(await text(file)).toBe(content);
  });

  it('allows an edit inside a long template literal whose lines read as code on their own', async () => {
    const calls = Array.from({ length: 300 }, (_, i) => `step(${i});`);
    const content = `const script = \`\n${calls.join('\n')}\n\`;\nexport default script;\n`;
    const file = await seen('script.ts', content);
    const result = await edit({ path: 'script.ts', old_string: 'step(280);', new_string: 'step((280);' });
    expect(result.isError).toBe(false);
    expect(await text(file)).toBe(content.replace('step(280);', 'step((280);'));
  });
});

describe('edit: situations from other harnesses and their trackers', () => {
  it('refuses a whitespace-tolerant match whose leading space stands before a dot in the file', async () => {
    const file = await seen('a.py', 'x = self.value  =  1\ny = 2\n');
    const result = await edit({ path: 'a.py', old_string: ' value = 1', new_string: ' value = 5' });
    expect(result.isError).toBe(true);
    expect(await text(file)).toBe('x = self.value  =  1\ny = 2\n');
  });

  it('does not let a whitespace-tolerant match cross blank lines old_string does not have', async () => {
    const file = await seen('a.py', 'a = 1\n\n\nb = 2\n');
    const result = await edit({ path: 'a.py', old_string: 'a = 1\nb = 2', new_string: 'a = 1\nb = 3' });
    expect(result.isError).toBe(true);
    expect(await text(file)).toBe('a = 1\n\n\nb = 2\n');
  });

  it("keeps the whitespace of the file's blank lines and drops trailing spaces the model copied from old_string", async () => {
    const file = await seen(
      'a.py',
      'class A:\n    def f(self):\n        pass\n    \n    def g(self):\n        pass\n',
    );
    await edit({
      path: 'a.py',
      old_string: '        pass\n\n    def g(self):\n        pass',
      new_string: '        pass\n\n    def g(self):\n        return 1',
    });
    expect(await text(file)).toBe(
      'class A:\n    def f(self):\n        pass\n    \n    def g(self):\n        return 1\n',
    );
    const other = await seen('b.py', 'def f():\n    value = compute()\n    return value\n');
    await edit({ path: 'b.py', old_string: '  value = compute()  ', new_string: '  value = compute(1)  ' });
    expect(await text(other)).toBe('def f():\n    value = compute(1)\n    return value\n');
  });

  it('keeps odd spaces (narrow no-break, ideographic) on a changed line where the model wrote plain ones', async () => {
    const file = await seen('a.txt', '10\u202f000 rows\n\u540d\u524d\u3000\u592a\u90ce\n');
    await edit({ path: 'a.txt', old_string: '10 000 rows\n', new_string: '20 000 rows\n' });
    expect(await text(file)).toBe('20\u202f000 rows\n\u540d\u524d\u3000\u592a\u90ce\n');
  });

  it('refuses a new_string that stands in "... existing code ..." for lines old_string spells out', async () => {
    const content = 'function f() {\n  a();\n  b();\n}\n';
    const file = await seen('a.ts', content);
    const result = await edit({
      path: 'a.ts',
      old_string: 'function f() {\n  a();\n  b();\n}',
      new_string: 'function f() {\n  // ... existing code ...\n  c();\n}',
    });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('stands for code left out');
    expect(await text(file)).toBe(content);
  });

  it('refuses an edit that makes a valid JSON file invalid', async () => {
    const content = '{\n  "scripts": {\n    "test": "vitest"\n  }\n}\n';
    const file = await seen('package.json', content);
    const result = await edit({ path: 'package.json', old_string: '"vitest"\n', new_string: '"vitest",\n' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('invalid JSON');
    expect(await text(file)).toBe(content);
  });

  it('unwraps old_string and new_string that both come in a markdown code fence', async () => {
    const file = await seen('a.py', 'def greet():\n    print("hi")\n');
    await edit({
      path: 'a.py',
      old_string: '```python\ndef greet():\n    print("hi")\n```\n',
      new_string: '```python\ndef greet():\n    print("hello")\n```\n',
    });
    expect(await text(file)).toBe('def greet():\n    print("hello")\n');
  });

  it('fills a "..." elision in old_string and new_string with the file\'s lines, and refuses an unpaired one', async () => {
    const content =
      'def add(a, b):\n    return a + b\n\ndef mid():\n    pass\n\ndef sub(a, b):\n    return a - b\n';
    const file = await seen('calc.py', content);
    const unpaired = await edit({
      path: 'calc.py',
      old_string: 'def add(a, b):\n...\n    return a - b\n',
      new_string: 'def add(a, b):\n    return 0\n',
    });
    expect(unpaired.isError).toBe(true);
    await edit({
      path: 'calc.py',
      old_string: 'def add(a, b):\n    return a + b\n...\ndef sub(a, b):\n    return a - b\n',
      new_string: 'def add(a, b):\n    return b + a\n...\ndef sub(a, b):\n    return -(b - a)\n',
    });
    expect(await text(file)).toBe(content.replace('a + b', 'b + a').replace('a - b', '-(b - a)'));
  });
});

describe('edit: situations from Roo Code, Cline, Continue and Claude Code', () => {
  it('keeps new_string on its own line when it replaces whole lines but lacks their final line break', async () => {
    const file = await seen('page.txt', 'header\n\nbody\n\nfooter\n');
    await edit({ path: 'page.txt', old_string: '\nbody\n\n', new_string: 'new body content' });
    expect(await text(file)).toBe('header\nnew body content\nfooter\n');
  });

  it('matches a one-word old_string padded with whitespace as a whole word only', async () => {
    const file = await seen('greet.txt', 'othello\nhello world\n');
    const result = await edit({ path: 'greet.txt', old_string: '  hello  ', new_string: '  hi  ' });
    expect(result.isError).toBe(false);
    expect(await text(file)).toBe('othello\nhi world\n');
  });

  it('refuses a Python edit that dedents a block body to column 0, leaving the block empty', async () => {
    const content = 'def check(x):\n    if x:\n        return 1\n    return 0\n';
    const file = await seen('check.py', content);
    const result = await edit({
      path: 'check.py',
      old_string: '    if x:\n        return 1\n',
      new_string: '    if x:\nreturn 1\n',
    });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('expected an indented block');
    expect(await text(file)).toBe(content);
  });
});

describe('edit: syntax gate on the first lines of a file', () => {
  it('checks an edit to an indented line of a file that opens with a blank line', async () => {
    const file = await seen('a.js', '\n  run();\n');
    const result = await edit({ path: 'a.js', old_string: 'run()', new_string: 'start()' });
    expect(result.isError).toBe(false);
    expect(await text(file)).toBe('\n  start();\n');
  });
});

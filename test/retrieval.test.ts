import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { extractFile } from '../src/context/retrieval/file-extract.js';
import { indexFileFor } from '../src/context/retrieval/index-store.js';
import { languageOf } from '../src/context/retrieval/languages.js';
import { parseTags } from '../src/context/retrieval/parser.js';
import { filePaths, queryClues } from '../src/context/retrieval/query-clues.js';
import type { IndexSnapshot } from '../src/context/retrieval/repo-index.js';
import { createRetriever, type Retriever } from '../src/context/retrieval/retriever.js';
import { checkSnapshot } from '../src/context/retrieval/snapshot-check.js';
import { SourceLines } from '../src/context/retrieval/source-lines.js';
import { codebaseSearchTool } from '../tools/codebase-search.js';
import { symbolsTool } from '../tools/symbols.js';
import type { ToolContext } from '../tools/tool.js';
import { Workspace } from '../tools/workspace.js';
import { cleanupsPerTest } from './support/cleanups.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures/retrieval');
const { cleanups, tempDir } = cleanupsPerTest();

function write(root: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
}

function open(root: string, cacheDir = tempDir('agent-cache-')): Retriever {
  const retriever = createRetriever({ root, cacheDir });
  cleanups.unshift(() => retriever.dispose());
  return retriever;
}

const languageCases = [
  {
    language: 'TypeScript',
    file: 'a.ts',
    source:
      'export interface Options { depth: number }\nexport type Id = string;\nexport class Walker {\n  walk(o: Options): Id { return visit(o); }\n  skip = (o: Options) => o;\n}\nexport function visit(o: Options): Id { return String(o.depth); }\nexport const shout = (s: string) => s.toUpperCase();\n',
    definitions: [
      'interface Options:1',
      'type Id:2',
      'class Walker:3',
      'method walk:4',
      'method skip:5',
      'function visit:7',
      'function shout:8',
    ],
    references: ['visit', 'Options'],
  },
  {
    language: 'JavaScript',
    file: 'a.js',
    source:
      'class Cart {\n  total() { return sum(this.items); }\n}\nfunction sum(xs) { return xs.length; }\n',
    definitions: ['class Cart:1', 'method total:2', 'function sum:4'],
    references: ['sum'],
  },
  {
    language: 'Python',
    file: 'a.py',
    source:
      'class Store:\n    def get(self, key):\n        return load(key)\n\ndef load(key):\n    return key\n',
    definitions: ['class Store:1', 'method get:2', 'function load:5'],
    references: ['load'],
  },
  {
    language: 'Go',
    file: 'a.go',
    source:
      'package main\n\ntype Server struct{ Addr string }\n\nfunc (s *Server) Start() error { return listen(s.Addr) }\n\nfunc listen(addr string) error { return nil }\n',
    definitions: ['struct Server:3', 'method Start:5', 'function listen:7'],
    references: ['listen', 'Server'],
  },
  {
    language: 'Rust',
    file: 'a.rs',
    source:
      'pub struct Config { depth: u32 }\npub trait Load { fn load(&self); }\nimpl Config {\n    pub fn new() -> Self { build() }\n}\nfn build() -> Config { Config { depth: 1 } }\n',
    definitions: ['struct Config:1', 'interface Load:2', 'method load:2', 'method new:4', 'function build:6'],
    references: ['build', 'Config'],
  },
  {
    language: 'Java',
    file: 'A.java',
    source: 'class Account {\n  int balance() { return Ledger.sum(); }\n}\ninterface Ledger { }\n',
    definitions: ['class Account:1', 'method balance:2', 'interface Ledger:4'],
    references: ['Ledger'],
  },
];

describe('a minified file', () => {
  test('is not parsed for definitions, but its lines stay searchable', async () => {
    const root = tempDir('agent-minified-');
    const bundle = Array.from({ length: 200 }, (_, i) => `function f${i}(a){return a+${i}}`).join(';');
    writeFileSync(path.join(root, 'bundle.min.js'), `${bundle};function renderCheckoutWidget(){}\n`);
    const record = await extractFile(root, { path: 'bundle.min.js', hash: '' });
    expect(record?.definitions).toEqual([]);
    expect(record?.chunks.map((chunk) => chunk.terms).join(' ')).toContain('checkout');
  });
});

describe('parsing definitions and references', () => {
  test.each(languageCases)('$language', async ({ file, source, definitions, references }) => {
    const tags = await parseTags(languageOf(file)!, source);
    expect(tags.definitions.map((d) => `${d.kind} ${d.name}:${d.line}`)).toEqual(definitions);
    const referenced = new Set(tags.references.map((r) => r.name));
    for (const name of references) expect(referenced).toContain(name);
  });
});

/** Definitions in the shapes real code uses, one fixture per language (test/fixtures/retrieval/shapes). */
const shapeCases = [
  {
    language: 'JavaScript (express and fastify shapes)',
    file: 'response.js',
    definitions: [
      'constant res:3',
      'method status:7',
      'method send:12',
      'constant etag:18',
      'function compileTrust:20',
      'function Reply:24',
      'method header:28',
      'method status:33',
      'constant proto:35',
      'method redirect:36',
      'method attachment:39',
      'method ips:40',
      'class Router:45',
      'method handle:46',
    ],
  },
  {
    language: 'TypeScript',
    file: 'store.ts',
    definitions: [
      'class Store:2',
      'method select:4',
      'method create:6',
      'constant handlers:11',
      'method onSave:12',
      'method onLoad:15',
      'method toJSON:18',
      'function persist:22',
      'interface Request:25',
      'module Internal:30',
      'function helper:31',
    ],
  },
  {
    language: 'Python (decorators, nested classes)',
    file: 'handlers.py',
    definitions: [
      'function retry:4',
      'function decorator:5',
      'function wrapper:6',
      'class Session:13',
      'class Adapter:14',
      'method send:15',
      'method headers:18',
      'method request:22',
      'method merge_settings:26',
      'constant DEFAULT_TIMEOUT:31',
    ],
  },
  {
    language: 'Go (methods, interface methods, grouped and generic types)',
    file: 'server.go',
    definitions: [
      'type HandlerFunc:3',
      'interface Handler:5',
      'method ServeHTTP:6',
      'type Header:10',
      'struct muxEntry:11',
      'struct List:17',
      'method ServeHTTP:21',
      'method Push:25',
      'function NewServeMux:29',
      'constant ErrServerClosed:31',
    ],
  },
  {
    language: 'Rust (impl blocks with lifetimes, trait impls, macros)',
    file: 'lib.rs',
    definitions: [
      'struct Request:1',
      'method new:6',
      'method fmt:12',
      'enum Method:17',
      'macro bail:22',
      'function send:28',
    ],
  },
  {
    language: 'Java (inner classes, enums, interfaces, lambda fields)',
    file: 'Client.java',
    definitions: [
      'class Client:3',
      'method Client:6',
      'method execute:10',
      'class Builder:14',
      'method timeout:15',
      'method build:19',
      'enum State:24',
      'interface Listener:26',
      'method onDone:27',
      'method cleanup:30',
    ],
  },
];

describe('definitions in real code shapes', () => {
  test.each(shapeCases)('$language', async ({ file, definitions }) => {
    const source = readFileSync(path.join(FIXTURES, 'shapes', file), 'utf8');
    const tags = await parseTags(languageOf(file)!, source);
    // Exactly these: `require(...)` imports and plain assignments are not definitions.
    expect(tags.definitions.map((d) => `${d.kind} ${d.name}:${d.line}`)).toEqual(definitions);
  });

  test('a decorated Python definition spans its decorators', async () => {
    const source = readFileSync(path.join(FIXTURES, 'shapes', 'handlers.py'), 'utf8');
    const tags = await parseTags(languageOf('handlers.py')!, source);
    const headers = tags.definitions.find((d) => d.name === 'headers')!;
    expect([headers.line, headers.endLine, headers.signature]).toEqual([18, 20, '@property']);
  });
});

describe('reading a query', () => {
  const files = filePaths([
    'lib/response.js',
    'lib/router/layer.js',
    'lib/router/index.js',
    'pkg/models.py',
    'lib/rules/no-unused-vars.js',
  ]);
  const defined = new Set(['send', 'Layer', 'match', 'get', 'run', 'only', 'Lexer', 'evaluate']);
  const read = (text: string) => queryClues(text, files, (name) => defined.has(name));

  test('identifiers written as code are names; prose and stop words are not, even when defined', () => {
    const clues = read(
      'evaluate is wrong. When I get the value and run it, res.send() fails in parseConfig and decode_param; only the Lexer sees `cfg`. It ends.',
    );
    expect([...clues.codeNames].sort()).toEqual([
      'cfg',
      'decode_param',
      'evaluate',
      'lexer',
      'parseconfig',
      'res',
      'send',
    ]);
    expect([...clues.definedWords]).toEqual(['only']);
  });

  test('paths in GitHub URLs, traceback frames and prose map to repository files', () => {
    const clues = read(
      [
        'See https://github.com/expressjs/express/blob/4a5b6c7d/lib/response.js#L140 for the send code.',
        "URIError: Failed to decode param '%E0%A4%A'",
        '    at Layer.match (/srv/api/node_modules/express/lib/router/layer.js:148:15)',
        '  File "/home/u/proj/pkg/models.py", line 3, in save',
        'and no-unused-vars too; router/index.js is fine; /etc/hosts and server.js are not ours.',
      ].join('\n'),
    );
    expect([...clues.files].sort()).toEqual([
      'lib/response.js',
      'lib/router/index.js',
      'lib/router/layer.js',
      'pkg/models.py',
    ]);
    // An identifier that is a file's name points at it: Layer.match, no-unused-vars.
    expect([...clues.namedFiles].sort()).toEqual(['lib/router/layer.js', 'lib/rules/no-unused-vars.js']);
    expect(clues.codeNames).toContain('match');
  });

  test('tests and docs are asked for by name, not by "for example" or a URL host', () => {
    expect(read('for example https://api.example.com/v1/ fails').wantsNonSource).toBe(false);
    expect(read('the test for res.send fails').wantsNonSource).toBe(true);
  });
});

describe('codebase_search ranking on real-shaped code', () => {
  const response = readFileSync(path.join(FIXTURES, 'shapes', 'response.js'), 'utf8');

  test('the definition named in an issue comes first, ahead of tests and changelogs that repeat its words', async () => {
    const repo = tempDir('agent-rank-');
    write(repo, {
      'lib/response.js': response,
      'lib/request.js':
        'var req = exports = module.exports = {};\n\nreq.get = function header(name) {\n  return this.headers[name.toLowerCase()];\n};\n',
      'test/res.send.js': Array.from(
        { length: 6 },
        (_, i) =>
          `it('res.send(buf) keeps the Content-Type ${i}', function () {\n  res.send(Buffer.from('x'));\n});\n`,
      ).join(''),
      'History.md':
        '4.18.0\n======\n\n  * res.send: keep Content-Type for Buffer bodies\n  * res.send: set charset for Content-Type\n',
    });
    const retriever = open(repo);
    const hits = await retriever.search(
      'res.send() overrides the Content-Type I set when the body is a Buffer',
      4,
    );
    expect([hits[0]?.path, hits[0]?.name]).toEqual(['lib/response.js', 'send']);
    expect(hits.map((hit) => hit.path)).not.toContain('test/res.send.js');
    const asked = await retriever.search('the test for res.send with a Buffer Content-Type', 4);
    expect(asked.slice(0, 2).map((hit) => hit.path)).toContain('test/res.send.js');
  });

  test('a file in a stack trace ranks first', async () => {
    const repo = tempDir('agent-rank-');
    const body = (name: string) =>
      `exports.${name} = function ${name}(val) {\n  var err = new Error('Failed to decode param');\n  err.status = 400;\n  throw err;\n};\n`;
    write(repo, { 'lib/a/decode.js': body('decodeParam'), 'lib/router/layer.js': body('decodeValue') });
    const retriever = open(repo);
    const hits = await retriever.search(
      'URIError: Failed to decode param\n    at /srv/app/node_modules/pkg/lib/router/layer.js:4:11',
      5,
    );
    expect(hits[0]?.path).toBe('lib/router/layer.js');
  });

  test('a common word that names a definition does not pull that definition first', async () => {
    const repo = tempDir('agent-rank-');
    write(repo, {
      'lib/cache.js':
        'exports.evictStale = function evictStale(cache) {\n  // expired cache entries are removed when their ttl ends, not on restart\n  for (const entry of cache.entries) if (entry.expired) cache.delete(entry.key);\n};\n',
      'lib/store.js':
        'exports.only = function only(cache) {\n  return cache.entries.filter((entry) => entry.pinned);\n};\n',
    });
    const retriever = open(repo);
    const hits = await retriever.search('expired cache entries are only removed on restart', 5);
    expect(hits[0]?.path).toBe('lib/cache.js');
  });
});

describe('repo map personalisation', () => {
  /** A hub every file uses, a leaf view, the file that uses the view, the file the view uses, and bystanders. */
  function viewRepo(): string {
    const repo = tempDir('agent-map-');
    const files: Record<string, string> = {
      'lib/utils.js': 'exports.flatten = function flatten(list) {\n  return list.flat();\n};\n',
      'lib/view.js':
        'function View(name) {\n  this.path = resolveRoot(flatten([name]));\n}\nView.prototype.lookup = function lookup(name) {\n  return name;\n};\nmodule.exports = View;\n',
      'lib/paths.js': 'exports.resolveRoot = function resolveRoot(name) {\n  return name;\n};\n',
      'lib/application.js':
        'exports.render = function render(name) {\n  return new View(name).lookup(name);\n};\n',
    };
    for (let i = 0; i < 6; i++) {
      files[`lib/a${i}.js`] = `exports.helper${i} = function helper${i}(xs) {\n  return flatten(xs);\n};\n`;
    }
    write(repo, files);
    return repo;
  }

  test('a file named in the task ranks first, and files it uses and files using it rise above bystanders', async () => {
    const retriever = open(viewRepo());
    const ranked = (await retriever.rankFiles({ focusText: 'Failed to lookup view: see lib/view.js' })).map(
      (file) => file.path,
    );
    expect(ranked[0]).toBe('lib/view.js');
    const bystander = Math.min(...[0, 1, 2, 3, 4, 5].map((i) => ranked.indexOf(`lib/a${i}.js`)));
    expect(ranked.indexOf('lib/paths.js')).toBeLessThan(bystander);
    expect(ranked.indexOf('lib/application.js')).toBeLessThan(bystander);
  });

  test('a visited file counts as focus too', async () => {
    const retriever = open(viewRepo());
    const ranked = await retriever.rankFiles({ focusFiles: ['lib/application.js'] });
    expect(ranked[0]?.path).toBe('lib/application.js');
  });
});

describe('repo map', () => {
  const tasks = JSON.parse(readFileSync(path.join(FIXTURES, 'ranking-tasks.json'), 'utf8')) as Array<{
    task: string;
    definedIn: string;
  }>;

  test('the file defining an identifier named in the task ranks in the top 3', async () => {
    const retriever = open(path.join(FIXTURES, 'ranking'));
    for (const { task, definedIn } of tasks) {
      const top = (await retriever.rankFiles({ focusText: task })).slice(0, 3).map((file) => file.path);
      expect(top, task).toContain(definedIn);
    }
  });

  test('renders definitions with line numbers within the token budget, focus first', async () => {
    const retriever = open(path.join(FIXTURES, 'ranking'));
    const map = await retriever.repoMap({ focusText: 'IssueToken returns duplicates', budgetTokens: 120 });
    expect(map.length / 4).toBeLessThanOrEqual(120);
    expect(map.split('\n')[0]).toBe('services/auth/token.go');
    expect(map).toContain('func (s *TokenStore) IssueToken(user string, ttl time.Duration) string {');
    const small = await retriever.repoMap({ focusText: '', budgetTokens: 20 });
    expect(small.length).toBeLessThan(map.length);
  });

  test('without a focus, widely used definitions rank above unused ones', async () => {
    const retriever = open(path.join(FIXTURES, 'ranking'));
    const ranked = await retriever.rankFiles({});
    const position = (file: string) => ranked.findIndex((entry) => entry.path === file);
    expect(position('src/util/strings.ts')).toBeLessThan(position('src/app.ts'));
  });
});

describe('index', () => {
  test('re-sync parses only the changed file and reports the Merkle root change', async () => {
    const root = tempDir('agent-repo-');
    write(root, {
      'a/one.ts': 'export function one() { return 1; }\n',
      'a/two.py': 'def two():\n    return 2\n',
      'b/three.go': 'package b\n\nfunc Three() int { return 3 }\n',
    });
    const retriever = open(root);
    const first = await retriever.sync();
    expect(first.filesParsed).toBe(0);

    writeFileSync(
      path.join(root, 'a/two.py'),
      'def two():\n    return 2\n\ndef renamed_two():\n    return 22\n',
    );
    const second = await retriever.sync();
    expect(second.filesParsed).toBe(1);
    expect(second.rootHash).not.toBe(first.rootHash);
    const answer = await retriever.symbols({ name: 'renamed_two' });
    expect(answer.kind === 'symbol' && answer.definitions.map((d) => `${d.path}:${d.line}`)).toEqual([
      'a/two.py:4',
    ]);

    rmSync(path.join(root, 'b/three.go'));
    const third = await retriever.sync();
    expect(third).toMatchObject({ filesParsed: 0, filesRemoved: 1 });
  });

  test('incremental re-syncs after adds, renames, deletions and ignore changes match a fresh build', async () => {
    const root = tempDir('agent-repo-');
    write(root, { 'src/a.ts': 'export function alpha() {}\n', 'lib/b.py': 'def beta():\n    pass\n' });
    const retriever = open(root);
    await retriever.ready();
    const definers = async (name: string) => {
      const answer = await retriever.symbols({ name });
      return answer.kind === 'symbol' ? answer.definitions.map((d) => d.path) : [];
    };
    const expectSameAsFreshBuild = async () => {
      const stats = await retriever.sync();
      const fresh = open(root);
      expect(stats.rootHash).toBe((await fresh.sync()).rootHash);
    };

    write(root, { 'src/deep/new/c.go': 'package c\n\nfunc Gamma() {}\n' });
    expect(await definers('Gamma')).toEqual(['src/deep/new/c.go']);
    await expectSameAsFreshBuild();

    renameSync(path.join(root, 'src/a.ts'), path.join(root, 'src/renamed.ts'));
    expect(await definers('alpha')).toEqual(['src/renamed.ts']);
    await expectSameAsFreshBuild();

    rmSync(path.join(root, 'src/deep'), { recursive: true });
    expect(await definers('Gamma')).toEqual([]);
    await expectSameAsFreshBuild();

    write(root, { '.gitignore': 'lib/\n' });
    expect(await definers('beta')).toEqual([]);
    await expectSameAsFreshBuild();
  });

  test('the index is persisted in the cache dir and reused on the next start', async () => {
    const root = tempDir('agent-repo-');
    const cacheDir = tempDir('agent-cache-');
    write(root, { 'src/a.ts': 'export function alpha() {}\n', 'src/b.ts': 'export function beta() {}\n' });
    const first = createRetriever({ root, cacheDir });
    await first.ready();
    await first.dispose();

    const second = open(root, cacheDir);
    expect((await second.sync()).filesParsed).toBe(0);
    const answer = await second.symbols({ name: 'beta' });
    expect(answer.kind === 'symbol' && answer.definitions[0]?.path).toBe('src/b.ts');
  });

  test('.gitignore (nested too), .agentignore, binaries and secrets are never indexed nor returned', async () => {
    const root = tempDir('agent-repo-');
    const awsKey = ['AKIA', 'ABCDEFGHIJKLMNOP'].join('');
    write(root, {
      '.gitignore': 'build/\n',
      '.agentignore': 'generated/\n',
      'src/.gitignore': 'local-*.ts\n',
      'src/kept.ts': 'export function keptFunction() { return "needle"; }\n',
      'src/local-notes.ts': 'export function ignoredNested() { return "needle"; }\n',
      'build/out.js': 'function ignoredBuild() { return "needle"; }\n',
      'node_modules/dep/index.js': 'function ignoredDependency() { return "needle"; }\n',
      'generated/api.ts': 'export function ignoredGenerated() { return "needle"; }\n',
      '.env.production': 'API_TOKEN=needle\n',
      'deploy/id_rsa': 'needle\n',
      'src/settings.ts': `export const awsKey = "${awsKey}"; // needle\n`,
      'src/blob.bin': 'needle\0\0binary',
    });
    const retriever = open(root);
    const hits = await retriever.search('needle', 20);
    expect(hits.map((hit) => hit.path)).toEqual(['src/kept.ts']);
    for (const name of ['ignoredNested', 'ignoredBuild', 'ignoredGenerated', 'ignoredDependency', 'awsKey']) {
      const answer = await retriever.symbols({ name });
      expect(answer.kind === 'symbol' && answer.definitions).toEqual([]);
    }
    await expect(retriever.symbols({ path: 'src/settings.ts' })).rejects.toThrow(/not in the index/);
  });
});

describe('tools', () => {
  function context(root: string, retriever?: Retriever): ToolContext {
    return {
      workspace: new Workspace(root),
      sandbox: undefined as never, // these tools never run commands
      signal: new AbortController().signal,
      onOutput: () => {},
      requestPermission: async () => false,
      ...(retriever ? { retriever } : {}),
    };
  }

  function fixtureCopy(): string {
    const root = tempDir('agent-repo-');
    cpSync(path.join(FIXTURES, 'ranking'), root, { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: root });
    return root;
  }

  test('symbols with a name lists definitions and references with their lines', async () => {
    const root = fixtureCopy();
    const result = await symbolsTool.run({ name: 'computeBackoff' }, context(root, open(root)));
    expect(result.isError).toBe(false);
    expect(result.output).toContain(
      'src/http/retry.ts:6-8 function: export function computeBackoff(policy: RetryPolicy, attempt: number): number {',
    );
    expect(result.output).toContain(
      'src/http/client.ts:15: await sleep(computeBackoff(this.policy, attempt));',
    );
  });

  test('symbols with a path gives the outline, nested members indented', async () => {
    const root = fixtureCopy();
    const result = await symbolsTool.run({ path: 'scripts/report.py' }, context(root, open(root)));
    expect(result.output).toBe(
      [
        'scripts/report.py',
        '4: class InvoiceSummary — class InvoiceSummary:',
        '  5: method __init__ — def __init__(self, lines):',
        '  8: method total — def total(self):',
        '12: function build_report — def build_report(invoices):',
      ].join('\n'),
    );
  });

  test('symbols suggests similar names for an unknown one, and refuses paths outside the workspace', async () => {
    const root = fixtureCopy();
    const ctx = context(root, open(root));
    expect((await symbolsTool.run({ name: 'Backoff' }, ctx)).output).toContain(
      'Similar names: computeBackoff',
    );
    await expect(symbolsTool.run({ path: '../outside.ts' }, ctx)).rejects.toThrow(/outside the workspace/);
  });

  test('codebase_search ranks the implementing chunk first for a natural-language query', async () => {
    const root = fixtureCopy();
    const ctx = context(root, open(root));
    const result = await codebaseSearchTool.run(
      { query: 'exponential backoff delay for retry attempts' },
      ctx,
    );
    expect(result.output.split('\n')[0]).toBe('src/http/retry.ts:6-8 (computeBackoff)');
    const byIdentifier = await codebaseSearchTool.run({ query: 'findUserByEmail' }, ctx);
    expect(byIdentifier.output.split('\n')[0]).toMatch(
      /^src\/db\/user-repository\.ts:\d+-\d+ \(findUserByEmail\)$/,
    );
  });

  test('the tools explain that the index is unavailable when the session has none', async () => {
    const root = fixtureCopy();
    await expect(codebaseSearchTool.run({ query: 'x' }, context(root))).rejects.toThrow(
      /code index is not available/,
    );
  });
});

describe('confinement of the index', () => {
  const hostSource = 'export function hostSecretFunction() { return "hostneedle"; }\n';

  function hostDir(): string {
    const outside = tempDir('agent-host-');
    write(outside, { 'secret.ts': hostSource, 'lib/more.ts': hostSource });
    return outside;
  }

  async function expectNoHostContent(retriever: Retriever): Promise<void> {
    const answer = await retriever.symbols({ name: 'hostSecretFunction' });
    expect(answer.kind === 'symbol' && answer.definitions).toEqual([]);
    const hits = await retriever.search('hostneedle hostSecretFunction', 20);
    expect(JSON.stringify(hits)).not.toContain('hostneedle');
    expect(JSON.stringify(hits)).not.toContain('hostSecretFunction');
  }

  test('files and directories swapped for symlinks to the host, or for FIFOs, are never read', async () => {
    const root = tempDir('agent-repo-');
    const cacheDir = tempDir('agent-cache-');
    const outside = hostDir();
    write(root, {
      'src/a.ts': 'export function alpha() { return 1; }\n',
      'src/b.ts': 'export function beta() { return 2; }\n',
      'src/lib/c.ts': 'export function gamma() { return 3; }\n',
    });
    // Directory mtimes the attacker controls (whole seconds, so they can be set again exactly).
    const src = path.join(root, 'src');
    utimesSync(src, 1_700_000_000, 1_700_000_000);
    const first = createRetriever({ root, cacheDir });
    await first.ready();
    await first.dispose();

    // Between sessions, swaps that the directory's mtime (set back) does not betray, so the next session
    // reuses the cached listing and visits the swapped paths themselves.
    rmSync(path.join(src, 'a.ts'));
    symlinkSync(path.join(outside, 'secret.ts'), path.join(src, 'a.ts'));
    rmSync(path.join(src, 'b.ts'));
    execFileSync('mkfifo', [path.join(src, 'b.ts')]);
    rmSync(path.join(src, 'lib'), { recursive: true });
    symlinkSync(path.join(outside, 'lib'), path.join(src, 'lib'));
    utimesSync(src, 1_700_000_000, 1_700_000_000);

    const second = open(root, cacheDir);
    await second.ready();
    await expectNoHostContent(second);
    expect(await second.search('alpha beta gamma', 5)).toEqual([]);
  });

  test('snippets are read only from regular files inside the workspace', { timeout: 10_000 }, () => {
    const root = tempDir('agent-repo-');
    const outside = hostDir();
    symlinkSync(path.join(outside, 'secret.ts'), path.join(root, 'linked.ts'));
    execFileSync('mkfifo', [path.join(root, 'pipe.ts')]);
    write(root, { 'plain.ts': 'one\ntwo\n' });
    const sources = new SourceLines(realpathSync(root));
    expect(sources.lines('linked.ts')).toEqual([]);
    expect(sources.lines('pipe.ts')).toEqual([]);
    expect(sources.line('plain.ts', 2)).toBe('two');
  });

  test('a cache that parses but has the wrong shape is discarded and the index rebuilt', async () => {
    const root = tempDir('agent-repo-');
    const cacheDir = tempDir('agent-cache-');
    write(root, { 'src/a.ts': 'export function alpha() { return "needle"; }\n' });
    const first = createRetriever({ root, cacheDir });
    await first.ready();
    await first.dispose();
    const cacheFile = indexFileFor(realpathSync(root), cacheDir);
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
    writeFileSync(cacheFile, JSON.stringify({ ...cached, records: { 'src/a.ts': { definitions: 'none' } } }));

    const second = open(root, cacheDir);
    await second.ready();
    const answer = await second.symbols({ name: 'alpha' });
    expect(answer.kind === 'symbol' && answer.definitions.map((d) => d.path)).toEqual(['src/a.ts']);
    expect((await second.search('needle', 5)).map((hit) => hit.path)).toEqual(['src/a.ts']);
  });

  test('a cache naming files outside the workspace is discarded: they are never indexed or shown', async () => {
    const root = tempDir('agent-repo-');
    const cacheDir = tempDir('agent-cache-');
    const outside = hostDir();
    write(root, { 'src/a.ts': 'export function alpha() {}\n' });
    const first = createRetriever({ root, cacheDir });
    await first.ready();
    await first.dispose();
    // The cache as a hostile process would rewrite it: the host file listed in the (unchanged) root directory,
    // with its real size and mtime so nothing looks stale, and its record ready to be searched.
    const cacheFile = indexFileFor(realpathSync(root), cacheDir);
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
    const escape = `../${path.basename(outside)}/secret.ts`;
    const host = statSync(path.join(outside, 'secret.ts'));
    cached.tree.dirs[''].files.push(escape);
    cached.tree.files[escape] = { size: host.size, mtimeMs: host.mtimeMs, hash: 'h' };
    cached.records[escape] = {
      language: 'typescript',
      definitions: [{ name: 'hostSecretFunction', kind: 'function', line: 1, endLine: 1, signature: 'x' }],
      references: [],
      chunks: [
        { startLine: 1, endLine: 1, name: 'hostSecretFunction', terms: 'hostneedle hostsecretfunction' },
      ],
    };
    writeFileSync(cacheFile, JSON.stringify(cached));

    const second = open(root, cacheDir);
    await second.ready();
    await expectNoHostContent(second);
  });
});

describe('checking a cached snapshot', () => {
  async function cachedSnapshot(): Promise<IndexSnapshot> {
    const root = tempDir('agent-repo-');
    const cacheDir = tempDir('agent-cache-');
    write(root, { 'src/a.ts': 'export function alpha() {}\n' });
    const retriever = createRetriever({ root, cacheDir });
    await retriever.ready();
    await retriever.dispose();
    return JSON.parse(readFileSync(indexFileFor(realpathSync(root), cacheDir), 'utf8'));
  }

  test('accepts what the index saved, and refuses any path that is not a plain relative one', async () => {
    const saved = await cachedSnapshot();
    expect(checkSnapshot(saved)).toEqual({ snapshot: saved });
    const withFile = (file: string) => {
      const copy = structuredClone(saved);
      copy.tree.files[file] = copy.tree.files['src/a.ts']!;
      return copy;
    };
    const withEntry = (name: string) => {
      const copy = structuredClone(saved);
      copy.tree.dirs.src!.files.push(name);
      return copy;
    };
    const withRecord = (file: string) => {
      const copy = structuredClone(saved);
      copy.records[file] = copy.records['src/a.ts']!;
      return copy;
    };
    for (const bad of [
      withFile('../outside/secret.txt'),
      withFile('/etc/passwd'),
      withFile('src/../../x'),
      withFile('src//a.ts'),
      withFile('./src/a.ts'),
      withFile('src/a\0.ts'),
      withEntry('..'),
      withEntry('../../etc/passwd'),
      withRecord('src/not-in-tree.ts'),
      { ...saved, version: 0 },
    ])
      expect(checkSnapshot(bad)).toHaveProperty('problem');
  });
});

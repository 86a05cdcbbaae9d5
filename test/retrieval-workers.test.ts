import { cpSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createPrintView } from '../src/cli/print-view.js';
import type { AgentEvent } from '../src/core/events.js';
import { packageRoot } from '../src/core/package-root.js';
import { isNonSource } from '../src/context/retrieval/file-role.js';
import { indexFileFor } from '../src/context/retrieval/index-store.js';
import { languageOf } from '../src/context/retrieval/languages.js';
import { buildReferenceGraph } from '../src/context/retrieval/reference-graph.js';
import { RepoIndex, type IndexSnapshot } from '../src/context/retrieval/repo-index.js';
import { estimateTokens, rankRepository, renderRepoMap } from '../src/context/retrieval/repo-map.js';
import { createRetriever } from '../src/context/retrieval/retriever.js';
import { initialState, reduce } from '../src/tui/transcript-state.js';
import { cleanupsPerTest } from './support/cleanups.js';
import { runAgent } from './support/cli.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';

const { cleanups, tempDir } = cleanupsPerTest();

/**
 * Real code in every language the index parses: the retrieval fixtures, and
 * the sources of the `diff` package (CommonJS, ES modules, declarations and a
 * minified bundle) as this repository installed it.
 */
function realRepository(): string {
  const root = realpathSync(tempDir('agent-workers-'));
  cpSync(path.join(packageRoot, 'test/fixtures/retrieval'), path.join(root, 'src'), { recursive: true });
  cpSync(path.join(packageRoot, 'node_modules/diff'), path.join(root, 'diff'), {
    recursive: true,
    dereference: true,
  });
  return root;
}

function savedSnapshot(root: string, cacheDir: string): IndexSnapshot {
  return JSON.parse(readFileSync(indexFileFor(root, cacheDir), 'utf8')) as IndexSnapshot;
}

/** Files in a parsed language that are not tests, docs or declarations. */
function sourceFiles(root: string, dir = ''): number {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).reduce((count, entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return count + sourceFiles(root, file);
    return count + (languageOf(file) && !isNonSource(file) ? 1 : 0);
  }, 0);
}

/** Worker threads of this process still running, as Node's diagnostic report lists them. */
const workerCount = () => (process.report.getReport() as { workers: unknown[] }).workers.length;

describe('indexing on worker threads', () => {
  test('gives the same definitions, references, chunks, ranking and map as the main thread', async () => {
    const root = realRepository();
    const build = async (workers: number) => {
      const cacheDir = tempDir('agent-cache-');
      const retriever = createRetriever({ root, cacheDir, workers });
      await retriever.ready();
      const focus = { focusText: 'diffLines ignores whitespace when the option is set' };
      const ranked = (await retriever.rankFiles(focus)).map((file) => file.path);
      const map = await retriever.repoMap({ ...focus, budgetTokens: 1000 });
      await retriever.dispose();
      return { records: savedSnapshot(root, cacheDir).records, ranked, map };
    };
    const onMainThread = await build(0);
    const onWorkers = await build(2);
    const definitions = Object.values(onMainThread.records).flatMap((record) => record.definitions);
    expect(definitions.length).toBeGreaterThan(300);
    expect(onWorkers.records).toEqual(onMainThread.records);
    expect(onWorkers.ranked).toEqual(onMainThread.ranked);
    expect(onWorkers.map).toBe(onMainThread.map);
    expect(onWorkers.map).toContain('diffLines');
  });

  test('a file that crashes its worker is skipped with a notice, and every other file is indexed', async () => {
    const root = realRepository();
    const reference = new RepoIndex(root, { workers: 0 });
    cleanups.push(() => reference.close());
    await reference.sync();
    // A generated file of 300,000 identifier uses: more than a parse worker may hold under this limit.
    const line = Array.from({ length: 10 }, (_, i) => `v${i}`).join(' ');
    mkdirSync(path.join(root, 'src/gen'));
    writeFileSync(path.join(root, 'src/gen/huge.js'), `${line};\n`.repeat(30_000));
    const skipped: string[] = [];
    const index = new RepoIndex(root, {
      workers: 1,
      workerLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 },
      onSkipped: (file, reason) => skipped.push(`${file}: ${reason}`),
    });
    cleanups.push(() => index.close());
    await index.sync();

    expect(skipped).toEqual([expect.stringMatching(/^src\/gen\/huge\.js: its parser worker crashed/)]);
    const expected = [...reference.records.keys()].sort();
    expect([...index.records.keys()].sort()).toEqual(expected);
    for (const file of expected) expect(index.records.get(file), file).toEqual(reference.records.get(file));
    // Left out until its content changes: the next start does not parse it again.
    const next = new RepoIndex(root, { workers: 0 });
    cleanups.push(() => next.close());
    next.restore(index.snapshot());
    expect((await next.sync()).filesParsed).toBe(0);
  });

  test('closing the index mid-build stops every worker; the next start indexes only what was left', async () => {
    const root = realRepository();
    let closed: () => void;
    const closing = new Promise<void>((resolve) => (closed = resolve));
    let closeCalled = false;
    const index = new RepoIndex(root, {
      workers: 2,
      onProgress: (done) => {
        if (done === 0 || closeCalled) return;
        closeCalled = true;
        void index.close().then(() => closed());
      },
    });
    const syncing = index.sync();
    await closing;
    expect(workerCount()).toBe(0);
    const first = await syncing;

    const total = new RepoIndex(root, { workers: 0 });
    cleanups.push(() => total.close());
    const all = (await total.sync()).filesParsed;
    expect(first.filesParsed).toBeGreaterThan(0);
    expect(first.filesParsed).toBeLessThan(all);

    const next = new RepoIndex(root, { workers: 0 });
    cleanups.push(() => next.close());
    next.restore(index.snapshot());
    const second = await next.sync();
    expect(second.filesParsed).toBe(all - first.filesParsed);
    expect([...next.records.keys()].sort()).toEqual([...total.records.keys()].sort());
  });
});

describe('index progress', () => {
  test('the build reports its start and its end; a map drawn meanwhile shows source files first', async () => {
    const root = realRepository();
    const reports: [number, number][] = [];
    const retriever = createRetriever({
      root,
      cacheDir: tempDir('agent-cache-'),
      workers: 0,
      onProgress: (done, total) => reports.push([done, total]),
    });
    cleanups.push(() => retriever.dispose());
    await retriever.ready();

    let mapWhenCodeIsIn = '';
    let code = Infinity;
    const index: RepoIndex = new RepoIndex(root, {
      workers: 0,
      onProgress: (done, total) => {
        if (done === 0) code = Math.min(total, sourceFiles(root));
        // What a first turn sees while the build runs (unthrottled here, to look at this exact moment).
        if (done >= code && mapWhenCodeIsIn === '')
          mapWhenCodeIsIn = renderRepoMap(
            rankRepository(buildReferenceGraph(index.visible()), {}),
            4000,
            estimateTokens,
          );
      },
    });
    cleanups.push(() => index.close());
    const files = (await index.sync()).filesParsed;

    expect(reports[0]).toEqual([0, files]);
    expect(reports.at(-1)).toEqual([files, files]);
    const shown = mapWhenCodeIsIn.split('\n').filter((line) => line !== '' && !line.startsWith(' '));
    expect(shown.length).toBeGreaterThan(0);
    // Declarations repeat the code's names; they are indexed after the code.
    expect([...index.records.keys()].filter((file) => file.endsWith('.d.ts')).length).toBeGreaterThan(0);
    expect(shown.filter((file) => file.endsWith('.d.ts'))).toEqual([]);
  });

  test('is shown by print mode with --verbose and on the TUI status line until the build ends', () => {
    let stderr = '';
    const sink = { write: (text: string) => ((stderr += text), true) } as unknown as NodeJS.WritableStream;
    const view = createPrintView({ format: 'text', live: true, stdout: sink, stderr: sink });
    const events: AgentEvent[] = [
      { type: 'index_progress', files_done: 0, files_total: 2923 },
      { type: 'index_progress', files_done: 1200, files_total: 2923 },
      { type: 'index_progress', files_done: 2923, files_total: 2923 },
    ];
    for (const event of events) view(event);
    expect(stderr).toBe(
      '  indexing the repository: 0/2923 files\n  indexing the repository: 1200/2923 files\n  indexed 2923 files\n',
    );

    let state = initialState();
    const statuses = events.map((event) => {
      state = reduce(state, { type: 'event', event: { ...event, seq: 0, ts: 0 } });
      return state.status.indexing;
    });
    expect(statuses).toEqual([{ done: 0, total: 2923 }, { done: 1200, total: 2923 }, undefined]);
  });

  const provider = scriptedProviderPerTest();

  test('a session emits it in stream-json while its index is first built', async () => {
    const server = await provider.start(() => ({ text: 'done' }));
    const repo = makeGitRepo(failingAddProject);
    cleanups.push(() => rmSync(repo, { recursive: true, force: true }));
    const run = await runAgent(server, 'openai', {
      cwd: repo,
      task: 'say done',
      env: { AGENT_CACHE_DIR: tempDir('agent-cache-') },
    });
    expect(run.result).toMatchObject({ status: 'success' });
    expect(run.events[0]?.type).toBe('session_start');
    const progress = run.events.filter((event) => event.type === 'index_progress');
    const total = Object.keys(failingAddProject).length;
    expect(progress[0]).toMatchObject({ files_done: 0, files_total: total });
    expect(progress.at(-1)).toMatchObject({ files_done: total, files_total: total });
  });
});

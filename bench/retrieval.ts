import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../src/core/package-root.js';
import { createRetriever, type Retriever } from '../src/context/retrieval/retriever.js';
import type { BenchSection } from './report.js';
import { REAL_PACKAGES } from './retrieval-issues.js';
import { LARGE_PACKAGE, measureIndexing, scoreRealIssues } from './retrieval-real.js';

const GENERATED_FILES = 20_000;
const PROJECTED_FILES = 20_000;
const FILES_PER_DIR = 100;
const RANKING_TASKS_ON_GENERATED = 20;
const FIXTURE = path.join(packageRoot, 'test/fixtures/retrieval/ranking');
const FIXTURE_TASKS = path.join(packageRoot, 'test/fixtures/retrieval/ranking-tasks.json');

/** Tasks on the fixture repository: each names an identifier; its defining file should rank in the top 3. */
interface RankingTask {
  task: string;
  definedIn: string;
}

export async function run(): Promise<BenchSection> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'agent-bench-retrieval-'));
  try {
    const { cold: large, warm: largeWarm } = measureIndexing(path.join(work, 'large'));
    const repo = path.join(work, 'repo');
    const names = generateRepository(repo, GENERATED_FILES);
    const cacheDir = path.join(work, 'cache');

    const started = performance.now();
    const retriever = createRetriever({ root: repo, cacheDir });
    await retriever.ready();
    const buildSeconds = (performance.now() - started) / 1000;

    const changed = names[Math.floor(names.length / 2)]!;
    await writeFile(path.join(repo, changed.file), `${changed.source}\n// touched\n`);
    const { stats: resync, ms: resyncMs } = await timed(() => retriever.sync());
    const { ms: idleMs } = await timed(() => retriever.sync());

    const generatedHits = await rankingHits(
      retriever,
      sample(names, RANKING_TASKS_ON_GENERATED).map((entry) => ({
        task: `${entry.name} returns the wrong result when the input is empty; fix it and add a test.`,
        definedIn: entry.file,
      })),
    );
    await retriever.dispose();

    // A second session on the same repository: load the cached index, then one full stat walk, no parsing.
    const warm = createRetriever({ root: repo, cacheDir });
    const { ms: warmStartMs } = await timed(() => warm.ready());
    await warm.dispose();

    const fixtureTasks = JSON.parse(await readFile(FIXTURE_TASKS, 'utf8')) as RankingTask[];
    const fixture = createRetriever({ root: FIXTURE, cacheDir });
    const fixtureHits = await rankingHits(fixture, fixtureTasks);
    await fixture.dispose();

    const real = await scoreRealIssues(path.join(work, 'real'));
    const scale = PROJECTED_FILES / large.files;

    return {
      title: 'Retrieval: index, re-sync, repo-map ranking',
      figures: [
        { name: 'files in generated repository', value: GENERATED_FILES, unit: 'files' },
        { name: 'full index build', value: GENERATED_FILES / buildSeconds, unit: 'files/s' },
        { name: 'full index build time', value: buildSeconds, unit: 's' },
        {
          name: 're-sync after one-file change',
          value: resyncMs,
          unit: 'ms',
          target: '< 100 ms',
          pass: resyncMs < 100,
        },
        {
          name: 'files re-parsed after one-file change',
          value: resync.filesParsed,
          unit: 'files',
          target: '= 1',
          pass: resync.filesParsed === 1,
        },
        { name: 're-sync with nothing changed', value: idleMs, unit: 'ms' },
        { name: 'warm start from the cached index (load + full stat walk)', value: warmStartMs, unit: 'ms' },
        {
          name: 'defining file in top 3 (fixture)',
          value: fixtureHits * 100,
          unit: '%',
          target: '>= 90 %',
          pass: fixtureHits >= 0.9,
        },
        {
          name: 'defining file in top 3 (generated 20k)',
          value: generatedHits * 100,
          unit: '%',
          target: '>= 90 %',
          pass: generatedHits >= 0.9,
        },
        {
          name: `codebase_search MRR (${real.issues} real issues, ${REAL_PACKAGES.length} npm packages)`,
          value: real.search.mrr,
          unit: '',
          target: '>= 0.70',
          pass: real.search.mrr >= 0.7,
        },
        {
          name: 'codebase_search: a fixed file in the top 5',
          value: real.search.top5 * 100,
          unit: '%',
          target: '>= 85 %',
          pass: real.search.top5 >= 0.85,
        },
        { name: 'codebase_search: a fixed file first', value: real.search.top1 * 100, unit: '%' },
        { name: 'baseline: BM25 over whole source files, MRR', value: real.bm25.mrr, unit: '' },
        { name: 'baseline: BM25 over whole source files, top 5', value: real.bm25.top5 * 100, unit: '%' },
        { name: 'repo map ranking MRR (issue text as focus)', value: real.map.mrr, unit: '' },
        {
          name: 'repo map at 2k tokens holds a fixed file',
          value: real.map.inMap * 100,
          unit: '%',
          target: '>= 90 %',
          pass: real.map.inMap >= 0.9,
        },
        { name: `real package: files (${LARGE_PACKAGE})`, value: large.files, unit: 'files' },
        {
          name: 'real package: full index build',
          value: large.buildSeconds,
          unit: 's',
          target: '< 3 s',
          pass: large.buildSeconds < 3,
        },
        { name: 'real package: CPU time of the build (all threads)', value: large.cpuSeconds, unit: 's' },
        {
          name: 'real package: build lower bound on idle cores (CPU time / cores)',
          value: large.cpuSeconds / os.availableParallelism(),
          unit: 's',
        },
        {
          name: 'real package: peak resident memory (build process)',
          value: large.peakRssMb,
          unit: 'MB',
          target: '< 300 MB',
          pass: large.peakRssMb < 300,
        },
        { name: 'real package: first ranking (builds the graph)', value: large.firstRankingMs, unit: 'ms' },
        {
          name: 'real package: ranking',
          value: large.rankingMs,
          unit: 'ms',
          target: '< 50 ms',
          pass: large.rankingMs < 50,
        },
        { name: 'real package: second start from the cache', value: largeWarm.buildSeconds, unit: 's' },
        {
          name: `real package: build projected to ${PROJECTED_FILES} files`,
          value: large.buildSeconds * scale,
          unit: 's',
        },
        {
          name: `real package: ranking projected to ${PROJECTED_FILES} files`,
          value: large.rankingMs * scale,
          unit: 'ms',
        },
      ],
      notes: [
        `real issues: packages fetched with npm pack (dist/ removed); issues and fixed files in bench/retrieval-issues.ts`,
        `real package: built in a child process of its own (bench/retrieval-build.ts); peak memory is its maxRSS, parse workers included`,
        `real package: projections scale linearly by file count (${PROJECTED_FILES} / ${large.files})`,
        `ranking: ${fixtureTasks.length} fixture tasks, ${RANKING_TASKS_ON_GENERATED} tasks on the generated repository (unique names: the easier case)`,
        're-sync uses directory watchers; without them (no inotify, too many directories) it falls back to a full stat walk',
      ],
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function timed<T>(action: () => Promise<T>): Promise<{ stats: T; ms: number }> {
  const started = performance.now();
  const stats = await action();
  return { stats, ms: performance.now() - started };
}

/** Share of tasks whose defining file is among the three best-ranked files. */
async function rankingHits(retriever: Retriever, tasks: RankingTask[]): Promise<number> {
  let hits = 0;
  for (const { task, definedIn } of tasks) {
    const ranked = await retriever.rankFiles({ focusText: task });
    if (ranked.slice(0, 3).some((file) => file.path === definedIn)) hits++;
  }
  return tasks.length === 0 ? 0 : hits / tasks.length;
}

interface GeneratedDefinition {
  name: string;
  file: string;
  source: string;
}

const LANGUAGES = ['ts', 'js', 'py', 'go', 'rs', 'java'] as const;

/**
 * A repository of `count` small files across the six languages, each defining
 * a few functions and calling functions of earlier files, so the reference
 * graph has real structure. Deterministic: the same files every run.
 */
export function generateRepository(root: string, count: number): GeneratedDefinition[] {
  const random = seeded(42);
  const definitions: GeneratedDefinition[] = [];
  for (let i = 0; i < count; i++) {
    const extension = LANGUAGES[i % LANGUAGES.length]!;
    const dir = `pkg${String(Math.floor(i / FILES_PER_DIR)).padStart(3, '0')}`;
    const file = `${dir}/module${i}.${extension}`;
    const own = [`compute${i}Total`, `load${i}Record`];
    const calls =
      definitions.length === 0
        ? []
        : [0, 1, 2].map(() => definitions[Math.floor(random() * definitions.length)]!.name);
    const source = sourceFor(extension, `Service${i}`, own, calls);
    if (i % FILES_PER_DIR === 0) mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, file), source);
    for (const name of own) definitions.push({ name, file, source });
  }
  return definitions;
}

function sourceFor(
  extension: (typeof LANGUAGES)[number],
  type: string,
  own: string[],
  calls: string[],
): string {
  const [first, second] = own as [string, string];
  const body = calls.map((call) => `${call}(value)`).join(' + ') || 'value';
  switch (extension) {
    case 'ts':
      return `export class ${type} {\n  run(value: number): number {\n    return ${first}(value);\n  }\n}\n\nexport function ${first}(value: number): number {\n  return ${body};\n}\n\nexport function ${second}(value: number): number {\n  return ${first}(value) * 2;\n}\n`;
    case 'js':
      return `export class ${type} {\n  run(value) {\n    return ${first}(value);\n  }\n}\n\nexport function ${first}(value) {\n  return ${body};\n}\n\nexport const ${second} = (value) => ${first}(value) * 2;\n`;
    case 'py':
      return `class ${type}:\n    def run(self, value):\n        return ${first}(value)\n\n\ndef ${first}(value):\n    return ${body}\n\n\ndef ${second}(value):\n    return ${first}(value) * 2\n`;
    case 'go':
      return `package main\n\ntype ${type} struct{ Value int }\n\nfunc (s *${type}) Run(value int) int {\n\treturn ${first}(value)\n}\n\nfunc ${first}(value int) int {\n\treturn ${body}\n}\n\nfunc ${second}(value int) int {\n\treturn ${first}(value) * 2\n}\n`;
    case 'rs':
      return `pub struct ${type} {\n    value: i64,\n}\n\nimpl ${type} {\n    pub fn run(&self, value: i64) -> i64 {\n        ${first}(value)\n    }\n}\n\npub fn ${first}(value: i64) -> i64 {\n    ${body}\n}\n\npub fn ${second}(value: i64) -> i64 {\n    ${first}(value) * 2\n}\n`;
    case 'java':
      return `public class ${type} {\n    public int run(int value) {\n        return ${first}(value);\n    }\n\n    static int ${first}(int value) {\n        return ${body};\n    }\n\n    static int ${second}(int value) {\n        return ${first}(value) * 2;\n    }\n}\n`;
  }
}

function sample<T>(items: T[], count: number): T[] {
  const random = seeded(7);
  return Array.from({ length: count }, () => items[Math.floor(random() * items.length)]!);
}

/** A small deterministic PRNG (mulberry32), so generated repositories are identical across runs. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

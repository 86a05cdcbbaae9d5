import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bm25Index } from '../src/context/retrieval/bm25.js';
import { languageOf } from '../src/context/retrieval/languages.js';
import { createRetriever } from '../src/context/retrieval/retriever.js';
import { termsOf } from '../src/context/retrieval/tokenize.js';
import { REAL_ISSUES, REAL_PACKAGES, type RealIssue } from './retrieval-issues.js';

const SEARCH_HITS = 50;
/**
 * About 3,000 files of real shipped code (JavaScript and TypeScript
 * declarations): no npm package ships that many TypeScript sources, and the
 * repository sources are not reachable here.
 */
export const LARGE_PACKAGE = '@mui/material@5.16.7';
const MAP_BUDGET_TOKENS = 2000;

export interface RealIssueScores {
  issues: number;
  search: { mrr: number; top1: number; top5: number };
  bm25: { mrr: number; top5: number };
  map: { mrr: number; inMap: number };
  /** Per issue: the rank of its first fixed file in search, BM25 and the map (0: not found). */
  ranks: { issue: string; search: number; bm25: number; map: number }[];
}

export interface IndexingScores {
  files: number;
  buildSeconds: number;
  /** CPU time of the build, every thread of the process: what a busy machine cannot hide. */
  cpuSeconds: number;
  peakRssMb: number;
  firstRankingMs: number;
  rankingMs: number;
}

const BUILD_SCRIPT = fileURLToPath(new URL('./retrieval-build.js', import.meta.url));

/**
 * Builds the index of a real package from scratch in a child process (time,
 * peak resident memory, ranking time), then starts again from the cache it left.
 */
export function measureIndexing(work: string): { cold: IndexingScores; warm: IndexingScores } {
  const root = fetchPackages(work, [LARGE_PACKAGE]).get(LARGE_PACKAGE)!;
  const files = listFiles(root).length;
  const cacheDir = path.join(work, 'cache-large');
  const run = (): IndexingScores => ({
    files,
    ...(JSON.parse(
      execFileSync(process.execPath, [BUILD_SCRIPT, root, cacheDir], { encoding: 'utf8' }),
    ) as Omit<IndexingScores, 'files'>),
  });
  const cold = run();
  return { cold, warm: run() };
}

/** Fetches each package with `npm pack` into `work` and unpacks it; returns package → root. */
export function fetchPackages(work: string, specs: string[]): Map<string, string> {
  const roots = new Map<string, string>();
  const packs = path.join(work, 'packs');
  mkdirSync(packs, { recursive: true });
  for (const spec of specs) {
    const tarball = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', packs], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!;
    const root = path.join(work, 'repos', spec.replace(/[@/]/g, '_'));
    mkdirSync(root, { recursive: true });
    execFileSync('tar', ['xzf', path.join(packs, tarball), '-C', root, '--strip-components=1']);
    rmSync(path.join(root, 'dist'), { recursive: true, force: true });
    roots.set(spec, root);
  }
  return roots;
}

/** codebase_search, the repo map, and plain BM25 over whole source files, each on every real issue. */
export async function scoreRealIssues(work: string): Promise<RealIssueScores> {
  const roots = fetchPackages(work, REAL_PACKAGES);
  const search: number[] = [];
  const bm25: number[] = [];
  const map: number[] = [];
  let inMap = 0;
  const ranks: RealIssueScores['ranks'] = [];
  for (const [spec, root] of roots) {
    const issues = REAL_ISSUES.filter((issue) => issue.package === spec);
    const retriever = createRetriever({ root, cacheDir: path.join(work, 'cache') });
    const baseline = wholeFileBm25(root);
    for (const issue of issues) {
      const hits = await retriever.search(issue.text, SEARCH_HITS);
      search.push(firstFixedRank(issue, unique(hits.map((hit) => hit.path))));
      bm25.push(firstFixedRank(issue, baseline(issue.text)));
      const ranked = await retriever.rankFiles({ focusText: issue.text });
      map.push(
        firstFixedRank(
          issue,
          ranked.map((file) => file.path),
        ),
      );
      const rendered = await retriever.repoMap({ focusText: issue.text, budgetTokens: MAP_BUDGET_TOKENS });
      const shown = new Set(rendered.split('\n').filter((line) => !line.startsWith(' ')));
      if (issue.fixedFiles.some((file) => shown.has(file))) inMap++;
      ranks.push({
        issue: `${spec} ${issue.text.slice(0, 50)}`,
        search: search.at(-1)!,
        bm25: bm25.at(-1)!,
        map: map.at(-1)!,
      });
    }
    await retriever.dispose();
  }
  return {
    issues: REAL_ISSUES.length,
    search: { mrr: mrr(search), top1: within(search, 1), top5: within(search, 5) },
    bm25: { mrr: mrr(bm25), top5: within(bm25, 5) },
    map: { mrr: mrr(map), inMap: inMap / REAL_ISSUES.length },
    ranks,
  };
}

/** The SWE-bench style retriever: Okapi BM25 over whole source files, tests excluded. */
function wholeFileBm25(root: string): (query: string) => string[] {
  const index = new Bm25Index();
  for (const file of listFiles(root)) {
    if (!languageOf(file) || /(^|\/)(test|tests|__tests__)\//.test(file)) continue;
    index.add(file, termsOf(readFileSync(path.join(root, file), 'utf8')));
  }
  return (query) => [...index.score(termsOf(query))].sort((a, b) => b[1] - a[1]).map(([file]) => file);
}

function listFiles(root: string, dir = ''): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
    return entry.isDirectory() ? listFiles(root, relative) : [relative];
  });
}

/** 1-based rank of the first fixed file, or 0 when none is listed. */
function firstFixedRank(issue: RealIssue, files: string[]): number {
  return files.findIndex((file) => issue.fixedFiles.includes(file)) + 1;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function mrr(ranks: number[]): number {
  return ranks.reduce((sum, rank) => sum + (rank === 0 ? 0 : 1 / rank), 0) / ranks.length;
}

function within(ranks: number[], k: number): number {
  return ranks.filter((rank) => rank > 0 && rank <= k).length / ranks.length;
}

import { realpathSync } from 'node:fs';
import { searchCode, type SearchHit } from './code-search.js';
import {
  defaultCacheDir,
  indexFileFor,
  loadSnapshot,
  removeAbandonedSaves,
  saveJson,
} from './index-store.js';
import { buildReferenceGraph, type ReferenceGraph } from './reference-graph.js';
import { RepoIndex, type SyncStats } from './repo-index.js';
import {
  estimateTokens,
  rankRepository,
  renderRepoMap,
  type RankedFile,
  type RepoMapFocus,
} from './repo-map.js';
import { lookupSymbol, outlineOf, type OutlineEntry, type SymbolsResult } from './symbol-lookup.js';
import { debugLog } from '../../core/debug-log.js';

export type { SearchHit } from './code-search.js';
export type { SyncStats } from './repo-index.js';
export type { OutlineEntry, SymbolsResult } from './symbol-lookup.js';

export interface RetrieverOptions {
  root: string;
  /** Defaults to the user's cache directory (see defaultCacheDir). */
  cacheDir?: string;
  /** Parsing threads (see IndexOptions.workers): 0 parses on the main thread; by default one per core, up to four. */
  workers?: number;
  /** How far the build is: at its start, at most every PROGRESS_INTERVAL_MS, and at its end. */
  onProgress?: (done: number, total: number) => void;
  /** Something the user should know about the index (a file it had to skip). */
  onNotice?: (message: string) => void;
}

export interface RepoMapRequest extends RepoMapFocus {
  budgetTokens: number;
  /** Defaults to an estimate of four characters per token. */
  countTokens?: (text: string) => number;
}

export interface SymbolsQuery {
  name?: string;
  path?: string;
}

export type SymbolsAnswer =
  ({ kind: 'symbol' } & SymbolsResult) | { kind: 'outline'; path: string; outline: OutlineEntry[] };

/** What the orchestrator and the tools use to find code: repo map, symbols and search over one repository. */
export interface Retriever {
  readonly root: string;
  /** Resolves when the background build (started at creation) is done. */
  ready(): Promise<void>;
  /** Brings the index in line with the disk, re-parsing only changed files. */
  sync(): Promise<SyncStats>;
  repoMap(request: RepoMapRequest): Promise<string>;
  /** The repo map from the index as it stands, without waiting for the build: what is indexed so far. */
  repoMapSoFar(request: RepoMapRequest): string;
  /** Files ranked for the focus, best first (what the repo map shows, unrendered). */
  rankFiles(focus: RepoMapFocus): Promise<RankedFile[]>;
  /** With a name: its definitions and references. With only a path: that file's outline. */
  symbols(query: SymbolsQuery): Promise<SymbolsAnswer>;
  search(query: string, limit: number): Promise<SearchHit[]>;
  /** Waits for pending work and writes the index to the cache. */
  dispose(): Promise<void>;
}

/** Writes to the cache are batched: one save at most this often while files keep changing. */
const SAVE_DELAY_MS = 2000;
const PROGRESS_INTERVAL_MS = 500;

export function createRetriever(options: RetrieverOptions): Retriever {
  return new IndexedRetriever(options);
}

class IndexedRetriever implements Retriever {
  readonly root: string;
  private readonly index: RepoIndex;
  private readonly cacheDir: string;
  private readonly cacheFile: string;
  private readonly building: Promise<void>;
  /** Syncs run one at a time; each waits for the one before. */
  private syncing: Promise<unknown>;
  private graph?: { generation: number; graph: ReferenceGraph };
  private saveTimer?: NodeJS.Timeout;
  private savedGeneration = 0;
  private saving: Promise<void> = Promise.resolve();

  constructor(options: RetrieverOptions) {
    this.root = realpathSync(options.root);
    this.index = new RepoIndex(this.root, {
      ...(options.workers !== undefined && { workers: options.workers }),
      ...(options.onProgress && { onProgress: throttled(options.onProgress) }),
      onSkipped: (file, reason) => options.onNotice?.(`index: skipped ${file}: ${reason}`),
    });
    this.cacheDir = options.cacheDir ?? defaultCacheDir();
    this.cacheFile = indexFileFor(this.root, this.cacheDir);
    this.building = this.build();
    this.syncing = this.building;
    this.building.catch(() => {}); // surfaced by ready()
  }

  ready(): Promise<void> {
    return this.building;
  }

  sync(): Promise<SyncStats> {
    const run = this.syncing.then(() => this.index.sync());
    this.syncing = run.catch((error: unknown) => debugLog.swallowed('retrieval: updating the index', error));
    return run.then((stats) => {
      if (stats.filesParsed > 0 || stats.filesRemoved > 0) this.scheduleSave();
      return stats;
    });
  }

  async repoMap(request: RepoMapRequest): Promise<string> {
    const ranked = await this.rankFiles(request);
    return renderRepoMap(ranked, request.budgetTokens, request.countTokens ?? estimateTokens);
  }

  repoMapSoFar(request: RepoMapRequest): string {
    const ranked = rankRepository(this.referenceGraph(), request);
    return renderRepoMap(ranked, request.budgetTokens, request.countTokens ?? estimateTokens);
  }

  async rankFiles(focus: RepoMapFocus): Promise<RankedFile[]> {
    await this.sync();
    return rankRepository(this.referenceGraph(), focus);
  }

  async symbols(query: SymbolsQuery): Promise<SymbolsAnswer> {
    await this.sync();
    if (query.name !== undefined) {
      return { kind: 'symbol', ...lookupSymbol(this.index, this.root, query.name, query.path) };
    }
    if (query.path === undefined) throw new Error('symbols needs a name, a path, or both');
    const outline = outlineOf(this.index, query.path);
    if (!outline)
      throw new Error(`${query.path} is not in the index (missing, ignored, binary, too large or secret)`);
    return { kind: 'outline', path: query.path, outline };
  }

  async search(query: string, limit: number): Promise<SearchHit[]> {
    await this.sync();
    const { definers, paths } = this.referenceGraph();
    return searchCode(this.index, this.root, query, limit, paths, (name) => definers.has(name));
  }

  async dispose(): Promise<void> {
    // Cancels a build in progress: what it indexed so far is saved, the rest is indexed at the next start.
    await this.index.close();
    await this.syncing;
    // Saved now rather than later (the build's end may just have scheduled it).
    clearTimeout(this.saveTimer);
    // The cache only speeds up the next start; failing to write it must not fail this session.
    await this.save().catch((error: unknown) =>
      debugLog.swallowed('retrieval: saving the index cache', error),
    );
  }

  private async build(): Promise<void> {
    await removeAbandonedSaves(this.cacheDir).catch((error: unknown) =>
      debugLog.swallowed('retrieval: removing abandoned cache saves', error),
    );
    this.index.restore(await loadSnapshot(this.cacheFile));
    this.savedGeneration = this.index.generation;
    await this.index.sync();
    // Written a little later (and at dispose): serialising the index must not delay the first turn's map.
    if (this.savedGeneration !== this.index.generation) this.scheduleSave();
  }

  private referenceGraph(): ReferenceGraph {
    if (this.graph?.generation !== this.index.generation) {
      this.graph = { generation: this.index.generation, graph: buildReferenceGraph(this.index.visible()) };
    }
    return this.graph.graph;
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save().catch((error: unknown) => debugLog.swallowed('retrieval: saving the index cache', error));
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  /** Saves run one after another, so an older snapshot never lands after a newer one. */
  private save(): Promise<void> {
    const next = this.saving.then(async () => {
      if (this.savedGeneration === this.index.generation) return;
      const generation = this.index.generation;
      await saveJson(this.cacheFile, this.index.snapshot());
      this.savedGeneration = generation;
    });
    this.saving = next.catch(() => {});
    return next;
  }
}

/** Progress at the start, at the end, and at most every PROGRESS_INTERVAL_MS between: enough for a status line. */
function throttled(report: (done: number, total: number) => void): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (done !== 0 && done !== total && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    report(done, total);
  };
}

import type { ResourceLimits } from 'node:worker_threads';
import { Bm25Index } from './bm25.js';
import { DirWatcher } from './dir-watcher.js';
import { extractFile, type FileRecord } from './file-extract.js';
import { isNonSource } from './file-role.js';
import { languageOf } from './languages.js';
import { MerkleTree, type ChangedFile, type TreeDiff, type TreeSnapshot } from './merkle.js';
import { ExtractionFailed, ParsePool, PoolClosed } from './workers/parse-pool.js';

export interface IndexOptions {
  /**
   * Parsing threads: 0 parses on the main thread. By default, one per core (up to four)
   * for syncs of many files, the main thread for a few.
   */
  workers?: number;
  /** Heap limits of each parse worker: a file that needs more crashes its worker and is skipped. */
  workerLimits?: ResourceLimits;
  /** Files extracted so far of those this sync (re)indexes. */
  onProgress?: (done: number, total: number) => void;
  /** A file left out of the index, and why (its worker crashed on it). */
  onSkipped?: (file: string, reason: string) => void;
}

export interface SyncStats {
  filesStatted: number;
  /** Files read and (re)indexed because their content changed. */
  filesParsed: number;
  filesRemoved: number;
  rootHash: string;
  durationMs: number;
}

export interface IndexSnapshot {
  version: number;
  tree: TreeSnapshot;
  records: Record<string, FileRecord>;
}

/** Bump when parsing or record shape changes, so old caches are rebuilt rather than misread. */
export const SNAPSHOT_VERSION = 3;
/** Parsing on the main thread yields to the event loop this often, so it never stalls the session. */
const FILES_PER_SLICE = 100;
/** Fewer changed files than this are parsed on the main thread (by default): starting workers would cost more. */
const POOL_MIN_FILES = 64;

/** Per-file definitions, references and search chunks of one repository, kept in step with the disk. */
export class RepoIndex {
  readonly records = new Map<string, FileRecord>();
  readonly search = new Bm25Index();
  /** Changes whenever any record does; derived structures cache against it. */
  generation = 0;
  private tree: MerkleTree;
  private readonly watcher: DirWatcher;
  private pool?: ParsePool;
  private closed = false;

  constructor(
    private readonly root: string,
    private readonly options: IndexOptions = {},
  ) {
    this.watcher = new DirWatcher(root);
    this.tree = new MerkleTree(root, (dir) => this.watcher.watchDir(dir));
  }

  /** Starts from a cached snapshot, which must have passed checkSnapshot (see index-store). */
  restore(snapshot: IndexSnapshot | undefined): void {
    if (!snapshot) return;
    this.tree = MerkleTree.fromSnapshot(this.root, snapshot.tree, (dir) => this.watcher.watchDir(dir));
    for (const [file, record] of Object.entries(snapshot.records)) this.put(file, record);
    this.generation++;
  }

  snapshot(): IndexSnapshot {
    return {
      version: SNAPSHOT_VERSION,
      tree: this.tree.snapshot(),
      records: Object.fromEntries(this.records),
    };
  }

  async sync(): Promise<SyncStats> {
    // Two event-loop turns guarantee one poll phase, where the watcher hears about writes made just before
    // this call (the kernel queued their events when the write returned).
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    if (this.closed) return { filesStatted: 0, filesParsed: 0, filesRemoved: 0, rootHash: '', durationMs: 0 };
    const diff = this.treeDiff();
    for (const file of diff.removed) this.drop(file);
    const pending = new Set(diff.changed.map((file) => file.path));
    await this.extractAll(likelyRankedFirst(diff.changed), pending);
    // A build cut short by close(): what was not indexed is forgotten by the tree, so the next start indexes it.
    if (pending.size > 0) this.tree.forget(pending);
    if (diff.changed.length > 0 || diff.removed.length > 0) this.generation++;
    return {
      filesStatted: diff.filesStatted,
      filesParsed: diff.changed.length - pending.size,
      filesRemoved: diff.removed.length,
      rootHash: this.tree.rootHash,
      durationMs: performance.now() - started,
    };
  }

  /** Stops watching and cancels a sync in progress (its workers are terminated). */
  async close(): Promise<void> {
    this.closed = true;
    this.watcher.close();
    await this.pool?.close();
  }

  /**
   * Extracts the files, in the given order, each removed from `pending` once
   * its record is in. Files of equal content and language (copies, builds of
   * the same sources) are extracted once and share the record.
   */
  private async extractAll(files: ChangedFile[], pending: Set<string>): Promise<void> {
    const groups = new Map<string, ChangedFile[]>();
    for (const file of files) {
      const key = file.large ? `large ${file.path}` : `${file.hash} ${languageOf(file.path)?.id ?? ''}`;
      const group = groups.get(key);
      if (group) group.push(file);
      else groups.set(key, [file]);
    }
    const distinct = [...groups.values()];
    const total = files.length;
    if (total === 0) return;
    let done = 0;
    /** Puts the record in for the files, or drops them without one. */
    const settle = (settled: ChangedFile[], record: FileRecord | undefined): void => {
      for (const file of settled) {
        if (record) this.put(file.path, record);
        else this.drop(file.path);
        pending.delete(file.path);
      }
      done += settled.length;
      this.options.onProgress?.(done, total);
    };
    // A file that vanished before it was read says nothing of its copies: they stay pending, read next time.
    const extracted = (group: ChangedFile[], record: FileRecord | undefined): void =>
      settle(record ? group : group.slice(0, 1), record);
    this.options.onProgress?.(0, total);
    const workers = this.options.workers;
    if (workers === 0 || (workers === undefined && distinct.length < POOL_MIN_FILES)) {
      for (let i = 0; i < distinct.length && !this.closed; i++) {
        if (i > 0 && i % FILES_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
        const group = distinct[i]!;
        extracted(group, await extractFile(this.root, group[0]!));
      }
      return;
    }
    if (this.closed) return;
    const pool = new ParsePool(this.root, {
      ...(workers !== undefined && { size: workers }),
      ...(this.options.workerLimits && { resourceLimits: this.options.workerLimits }),
    });
    this.pool = pool;
    try {
      await Promise.all(
        distinct.map((group) =>
          pool.extract(group[0]!).then(
            (record) => extracted(group, record),
            (error: unknown) => {
              if (error instanceof PoolClosed) return;
              if (!(error instanceof ExtractionFailed)) throw error;
              // Its copies would crash the same way: all are left out until their content changes.
              for (const file of group) this.options.onSkipped?.(file.path, error.message);
              settle(group, undefined);
            },
          ),
        ),
      );
    } finally {
      // Workers hold a grammar and a heap each; later syncs touch a few files and parse on this thread.
      this.pool = undefined;
      await pool.close();
    }
  }

  /** Only what the watcher saw change, or a full walk when it cannot vouch for having seen everything. */
  private treeDiff(): TreeDiff {
    const dirty = this.watcher.take();
    if (dirty) return this.tree.syncPaths(dirty);
    this.watcher.beginFullWalk();
    const diff = this.tree.sync();
    this.watcher.retain(this.tree.directories);
    return diff;
  }

  /** Records of files the tools may show: indexed, not excluded. */
  *visible(): Iterable<[string, FileRecord]> {
    for (const entry of this.records) if (!entry[1].excluded) yield entry;
  }

  private put(file: string, record: FileRecord): void {
    this.drop(file);
    this.records.set(file, record);
    // A map asked for while the build runs ranks what is in so far.
    this.generation++;
    if (record.excluded) return;
    record.chunks.forEach((chunk, i) =>
      this.search.add(`${file}#${i}`, chunk.terms === '' ? [] : chunk.terms.split(' ')),
    );
  }

  private drop(file: string): void {
    const record = this.records.get(file);
    if (!record) return;
    record.chunks.forEach((_, i) => this.search.remove(`${file}#${i}`));
    this.records.delete(file);
  }
}

/** Source files first, then tests, docs and declarations: a map drawn from a build in progress shows the code. */
function likelyRankedFirst(files: ChangedFile[]): ChangedFile[] {
  const isCode = (file: ChangedFile) => languageOf(file.path) !== undefined && !isNonSource(file.path);
  return [...files.filter(isCode), ...files.filter((file) => !isCode(file))];
}

import { Bm25Index } from './bm25.js';
import { chunkRanges, type ChunkRange } from './chunker.js';
import { languageOf, type LanguageSpec } from './languages.js';
import { DirWatcher } from './dir-watcher.js';
import { MerkleTree, type ChangedFile, type TreeDiff, type TreeSnapshot } from './merkle.js';
import { parseTags, type Definition, type FileTags, type Reference } from './parser.js';
import { isBinary } from '../../fs/visibility/binary.js';
import { containsSecret } from '../../fs/visibility/secrets.js';
import { termsOf } from './tokenize.js';
import { debugLog } from '../../core/debug-log.js';

export const EXCLUSION_REASONS = ['binary', 'large', 'secret'] as const;

export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface IndexedChunk extends ChunkRange {
  /** Search terms of the chunk, space-separated (compact to persist). */
  terms: string;
}

export interface FileRecord {
  language?: string;
  excluded?: ExclusionReason;
  definitions: Definition[];
  references: Reference[];
  chunks: IndexedChunk[];
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
export const SNAPSHOT_VERSION = 2;
/** Parsing yields to the event loop this often, so a background build never stalls the session. */
const FILES_PER_SLICE = 100;

/** Per-file definitions, references and search chunks of one repository, kept in step with the disk. */
export class RepoIndex {
  readonly records = new Map<string, FileRecord>();
  readonly search = new Bm25Index();
  /** Changes whenever any record does; derived structures cache against it. */
  generation = 0;
  private tree: MerkleTree;
  private readonly watcher: DirWatcher;

  constructor(private readonly root: string) {
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
    const diff = this.treeDiff();
    for (const file of diff.removed) this.drop(file);
    for (let i = 0; i < diff.changed.length; i++) {
      if (i > 0 && i % FILES_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      const changed = diff.changed[i]!;
      this.put(changed.path, await indexFile(changed));
    }
    if (diff.changed.length > 0 || diff.removed.length > 0) this.generation++;
    return {
      filesStatted: diff.filesStatted,
      filesParsed: diff.changed.length,
      filesRemoved: diff.removed.length,
      rootHash: this.tree.rootHash,
      durationMs: performance.now() - started,
    };
  }

  close(): void {
    this.watcher.close();
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

async function indexFile(file: ChangedFile): Promise<FileRecord> {
  const empty = { definitions: [], references: [], chunks: [] };
  if (!file.content) return { ...empty, excluded: 'large' };
  if (isBinary(file.content)) return { ...empty, excluded: 'binary' };
  const text = file.content.toString('utf8');
  if (containsSecret(text)) return { ...empty, excluded: 'secret' };
  const language = languageOf(file.path);
  const tags = language ? await parseTagsOrNothing(language, text) : { definitions: [], references: [] };
  const lines = text.split('\n');
  const chunks = chunkRanges(lines, tags.definitions).map((range) => ({
    ...range,
    terms: termsOf(lines.slice(range.startLine - 1, range.endLine).join('\n')).join(' '),
  }));
  return { ...(language ? { language: language.id } : {}), ...tags, chunks };
}

/** A grammar that fails on a file costs that file its definitions, not the whole index: it is still searchable by lines. */
async function parseTagsOrNothing(language: LanguageSpec, text: string): Promise<FileTags> {
  try {
    return await parseTags(language, text);
  } catch (error) {
    debugLog.swallowed('retrieval: parsing definitions', error);
    return { definitions: [], references: [] };
  }
}

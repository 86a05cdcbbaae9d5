import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import path from 'node:path';
import {
  lstatConfinedSync,
  readdirConfinedSync,
  withConfinedDirSync,
  type ConfinedDirSync,
} from '../../fs/confined.js';
import { IGNORE_FILES, IgnoreRules } from './ignore-rules.js';
import type { DirtyPaths } from './dir-watcher.js';
import { MAX_WALK_DEPTH, SIZE_LIMITS } from '../../fs/visibility/limits.js';

/** Files above this are tracked but never read. */
export const MAX_FILE_BYTES = SIZE_LIMITS.index;

export interface FileNode {
  size: number;
  mtimeMs: number;
  hash: string;
}

export interface DirNode {
  mtimeMs: number;
  files: string[];
  dirs: string[];
  /** Hash over the children's names and hashes: equal hashes mean equal subtrees. */
  hash: string;
}

export interface TreeSnapshot {
  files: Record<string, FileNode>;
  dirs: Record<string, DirNode>;
}

/** A file whose content changed; read again by whoever indexes it, so a sync never holds the repository in memory. */
export interface ChangedFile {
  path: string;
  /** Of the content as it was read for the tree (files of equal content are extracted once). */
  hash: string;
  /** Over MAX_FILE_BYTES: tracked, never read. */
  large?: true;
}

export interface TreeDiff {
  changed: ChangedFile[];
  removed: string[];
  /** Directories whose hash changed, relative ('' is the root). */
  changedDirs: string[];
  filesStatted: number;
}

/**
 * A Merkle tree of content hashes over the files the index may see (after
 * ignore rules and secret-looking names). Re-syncing stats every file but
 * reads and hashes only those whose size or mtime moved, and lists a
 * directory again only when its mtime or the ignore rules above it changed.
 */
export class MerkleTree {
  private files = new Map<string, FileNode>();
  private dirs = new Map<string, DirNode>();
  /** Rules per directory, rebuilt lazily; not persisted. */
  private readonly rules = new Map<string, IgnoreRules>();

  constructor(
    private readonly root: string,
    /** Called as each directory is visited, before it is listed (the watcher hooks in here). */
    private readonly onDirectory?: (dir: string) => void,
  ) {}

  static fromSnapshot(root: string, snapshot: TreeSnapshot, onDirectory?: (dir: string) => void): MerkleTree {
    const tree = new MerkleTree(root, onDirectory);
    tree.files = new Map(Object.entries(snapshot.files));
    tree.dirs = new Map(Object.entries(snapshot.dirs));
    return tree;
  }

  snapshot(): TreeSnapshot {
    return { files: Object.fromEntries(this.files), dirs: Object.fromEntries(this.dirs) };
  }

  get rootHash(): string {
    return this.dirs.get('')?.hash ?? '';
  }

  /** Full walk: every indexed directory listed (or reused by mtime) and every file statted. */
  sync(rulesChanged = false): TreeDiff {
    const diff = emptyDiff();
    const visitedFiles = new Set<string>();
    const visitedDirs = new Set<string>();
    this.visit('', rulesChanged, diff, visitedFiles, visitedDirs);
    for (const file of this.files.keys()) if (!visitedFiles.has(file)) this.removeFile(file, diff);
    for (const dir of this.dirs.keys()) if (!visitedDirs.has(dir)) this.dirs.delete(dir);
    return diff;
  }

  /**
   * Visits only what a watcher saw change, then recomputes the hashes of the
   * touched directories and their ancestors from the stored child hashes.
   * Falls back to a full walk when ignore rules changed.
   */
  syncPaths(dirty: DirtyPaths): TreeDiff {
    if ([...dirty.files].some((file) => IGNORE_FILES.includes(path.posix.basename(file))))
      return this.sync(true);
    const diff = emptyDiff();
    const touched = new Set<string>();
    for (const dir of dirty.dirs) if (this.dirs.has(dir)) this.relist(dir, diff, touched);
    for (const file of dirty.files) {
      const parent = parentOf(file);
      if (touched.has(parent) || !this.files.has(file)) continue;
      if (this.visitFiles(parent, [path.posix.basename(file)], diff).length === 0)
        this.relist(parent, diff, touched);
      else touched.add(parent);
    }
    this.rehash(touched, diff);
    return diff;
  }

  get directories(): Set<string> {
    return new Set(this.dirs.keys());
  }

  /** Returns the directory's hash, or undefined when it no longer exists. */
  private visit(
    dir: string,
    parentRulesChanged: boolean,
    diff: TreeDiff,
    visitedFiles: Set<string>,
    visitedDirs: Set<string>,
  ): string | undefined {
    const absolute = path.join(this.root, dir);
    const stats = this.lstat(dir);
    if (!stats?.isDirectory()) return undefined;
    this.onDirectory?.(dir);
    const previous = this.dirs.get(dir);
    const rulesChanged =
      parentRulesChanged ||
      !previous ||
      this.ignoreFilesChanged(dir, previous, previous.mtimeMs !== stats.mtimeMs);
    if (rulesChanged) this.rules.delete(dir);
    const listing =
      !rulesChanged && previous && previous.mtimeMs === stats.mtimeMs ? previous : this.list(dir, absolute);
    visitedDirs.add(dir);
    const files = this.visitFiles(dir, listing.files, diff);
    for (const name of files) visitedFiles.add(join(dir, name));
    const dirs = listing.dirs.filter(
      (name) => this.visit(join(dir, name), rulesChanged, diff, visitedFiles, visitedDirs) !== undefined,
    );
    const node: DirNode = { mtimeMs: stats.mtimeMs, files, dirs, hash: this.hashOf(files, dirs, dir) };
    if (previous?.hash !== node.hash) diff.changedDirs.push(dir);
    this.dirs.set(dir, node);
    return node.hash;
  }

  /** Lists a known directory again: new entries are indexed, vanished ones dropped, unchanged subdirectories kept. */
  private relist(dir: string, diff: TreeDiff, touched: Set<string>): void {
    const previous = this.dirs.get(dir);
    const stats = this.lstat(dir);
    if (!previous || !stats?.isDirectory()) return; // its parent's listing reports the removal
    this.onDirectory?.(dir);
    const listing = this.list(dir, path.join(this.root, dir));
    const files = this.visitFiles(dir, listing.files, diff);
    for (const name of previous.files) if (!files.includes(name)) this.removeFile(join(dir, name), diff);
    const visitedFiles = new Set<string>();
    const visitedDirs = new Set<string>();
    const dirs = listing.dirs.filter(
      (name) =>
        this.dirs.has(join(dir, name)) ||
        this.visit(join(dir, name), false, diff, visitedFiles, visitedDirs) !== undefined,
    );
    for (const name of previous.dirs) if (!dirs.includes(name)) this.removeSubtree(join(dir, name), diff);
    this.dirs.set(dir, { ...previous, mtimeMs: stats.mtimeMs, files, dirs });
    touched.add(dir);
  }

  /** Recomputes hashes bottom-up for the touched directories and every ancestor. */
  private rehash(touched: Set<string>, diff: TreeDiff): void {
    const pending = new Set<string>();
    for (let dir of touched) {
      for (;;) {
        pending.add(dir);
        if (dir === '') break;
        dir = parentOf(dir);
      }
    }
    const deepestFirst = [...pending].sort((a, b) => depthOf(b) - depthOf(a));
    for (const dir of deepestFirst) {
      const node = this.dirs.get(dir);
      if (!node) continue;
      const hash = this.hashOf(node.files, node.dirs, dir);
      if (hash !== node.hash) diff.changedDirs.push(dir);
      this.dirs.set(dir, { ...node, hash });
    }
  }

  private hashOf(files: string[], dirs: string[], dir: string): string {
    const hash = createHash('sha1');
    for (const name of files) hash.update(`f ${name} ${this.files.get(join(dir, name))?.hash}\n`);
    for (const name of dirs) hash.update(`d ${name} ${this.dirs.get(join(dir, name))?.hash}\n`);
    return hash.digest('hex');
  }

  private removeFile(file: string, diff: TreeDiff): void {
    if (this.files.delete(file)) diff.removed.push(file);
  }

  private removeSubtree(dir: string, diff: TreeDiff): void {
    const prefix = `${dir}/`;
    for (const file of [...this.files.keys()]) if (file.startsWith(prefix)) this.removeFile(file, diff);
    for (const known of [...this.dirs.keys()])
      if (known === dir || known.startsWith(prefix)) this.dirs.delete(known);
  }

  /**
   * Stats the named files of a directory and reads those that changed, all
   * through the directory opened once and verified (src/fs/confined.ts): the
   * sandbox can swap a file for a symlink to a host file, a FIFO, or the
   * directory itself for a link out, at any moment, and none of them may be
   * read or waited on. Returns the names still present as regular files.
   */
  private visitFiles(dir: string, names: string[], diff: TreeDiff): string[] {
    const present = withConfinedDirSync(this.root, path.join(this.root, dir), (pinned) =>
      names.filter((name) => this.visitFile(dir, name, pinned, diff)),
    );
    diff.filesStatted += names.length;
    return present ?? [];
  }

  /** Whether the file is present; records its hash, and its content when that changed. */
  private visitFile(dir: string, name: string, pinned: ConfinedDirSync, diff: TreeDiff): boolean {
    const stats = pinned.lstat(name);
    if (!stats?.isFile()) return false;
    const file = join(dir, name);
    const previous = this.files.get(file);
    if (previous && previous.size === stats.size && previous.mtimeMs === stats.mtimeMs) return true;
    let content: Buffer | undefined;
    if (stats.size <= MAX_FILE_BYTES) {
      content = pinned.read(name, MAX_FILE_BYTES);
      // Readable a moment ago: it was swapped or removed meanwhile; the next sync sees what it became.
      if (!content) return false;
    }
    const hash = content
      ? createHash('sha1').update(content).digest('hex')
      : `unread:${stats.size}:${stats.mtimeMs}`;
    this.files.set(file, { size: stats.size, mtimeMs: stats.mtimeMs, hash });
    if (previous?.hash !== hash)
      diff.changed.push(content ? { path: file, hash } : { path: file, hash, large: true });
    return true;
  }

  /** Forgets files whose changes were seen but not indexed (a cancelled build), so the next walk reports them again. */
  forget(files: Iterable<string>): void {
    for (const file of files) this.files.delete(file);
  }

  /** Whether an ignore file in the directory was edited, or (when its entries changed) added or removed. */
  private ignoreFilesChanged(dir: string, previous: DirNode, entriesChanged: boolean): boolean {
    return IGNORE_FILES.some((name) => {
      const known = previous.files.includes(name) ? this.files.get(join(dir, name)) : undefined;
      if (!known && !entriesChanged) return false;
      const stats = this.lstat(join(dir, name));
      if (!known || !stats) return known !== undefined || stats !== undefined;
      return known.size !== stats.size || known.mtimeMs !== stats.mtimeMs;
    });
  }

  private list(dir: string, absolute: string): { files: string[]; dirs: string[] } {
    const rules = this.rulesFor(dir);
    const files: string[] = [];
    const dirs: string[] = [];
    // Listed through a confined descriptor ([] for a directory swapped for a link out of the root);
    // symlinks in it are never followed, so the index cannot leave the repository.
    for (const entry of readdirConfinedSync(this.root, absolute)) {
      const relative = join(dir, entry.name);
      if (entry.isDirectory()) {
        // Deeper directories are not indexed: visit() and rulesFor() recurse once per level.
        if (depthOf(relative) <= MAX_WALK_DEPTH && !rules.ignores(relative, true)) dirs.push(entry.name);
      } else if (entry.isFile() && !rules.ignores(relative, false)) {
        files.push(entry.name);
      }
    }
    return { files: files.sort(), dirs: dirs.sort() };
  }

  /** What a relative path is, a symlink never followed, looked up through its verified directory. */
  private lstat(relative: string): Stats | undefined {
    return lstatConfinedSync(this.root, path.join(this.root, relative));
  }

  private rulesFor(dir: string): IgnoreRules {
    let rules = this.rules.get(dir);
    if (!rules) {
      rules = dir === '' ? IgnoreRules.root(this.root) : this.rulesFor(parentOf(dir)).child(dir);
      this.rules.set(dir, rules);
    }
    return rules;
  }
}

function emptyDiff(): TreeDiff {
  return { changed: [], removed: [], changedDirs: [], filesStatted: 0 };
}

function depthOf(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}

function parentOf(dir: string): string {
  const slash = dir.lastIndexOf('/');
  return slash === -1 ? '' : dir.slice(0, slash);
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

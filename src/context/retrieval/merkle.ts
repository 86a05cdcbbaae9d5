import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { IGNORE_FILES, IgnoreRules } from './ignore-rules.js';
import { isSecretPath } from './secrets.js';

/** Files above this are tracked but never read. */
export const MAX_FILE_BYTES = 1024 * 1024;

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

export interface ChangedFile {
  path: string;
  /** Undefined for files over MAX_FILE_BYTES. */
  content?: Buffer;
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

  constructor(private readonly root: string) {}

  static fromSnapshot(root: string, snapshot: TreeSnapshot): MerkleTree {
    const tree = new MerkleTree(root);
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

  get filePaths(): string[] {
    return [...this.files.keys()];
  }

  sync(): TreeDiff {
    const diff: TreeDiff = { changed: [], removed: [], changedDirs: [], filesStatted: 0 };
    const visitedFiles = new Set<string>();
    const visitedDirs = new Set<string>();
    this.visit('', false, diff, visitedFiles, visitedDirs);
    for (const file of this.files.keys()) {
      if (!visitedFiles.has(file)) {
        this.files.delete(file);
        diff.removed.push(file);
      }
    }
    for (const dir of this.dirs.keys()) if (!visitedDirs.has(dir)) this.dirs.delete(dir);
    return diff;
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
    const stats = statOrUndefined(absolute);
    if (!stats?.isDirectory()) return undefined;
    const previous = this.dirs.get(dir);
    const rulesChanged = parentRulesChanged || !previous || this.ignoreFilesChanged(dir, previous);
    if (rulesChanged) this.rules.delete(dir);
    const listing =
      !rulesChanged && previous && previous.mtimeMs === stats.mtimeMs ? previous : this.list(dir, absolute);
    visitedDirs.add(dir);

    const hash = createHash('sha1');
    for (const name of listing.files) {
      const file = join(dir, name);
      const fileHash = this.visitFile(file, diff);
      if (fileHash === undefined) continue;
      visitedFiles.add(file);
      hash.update(`f ${name} ${fileHash}\n`);
    }
    for (const name of listing.dirs) {
      const childHash = this.visit(join(dir, name), rulesChanged, diff, visitedFiles, visitedDirs);
      if (childHash !== undefined) hash.update(`d ${name} ${childHash}\n`);
    }
    const node: DirNode = {
      mtimeMs: stats.mtimeMs,
      files: listing.files,
      dirs: listing.dirs,
      hash: hash.digest('hex'),
    };
    if (previous?.hash !== node.hash) diff.changedDirs.push(dir);
    this.dirs.set(dir, node);
    return node.hash;
  }

  private visitFile(file: string, diff: TreeDiff): string | undefined {
    const stats = statOrUndefined(path.join(this.root, file));
    diff.filesStatted++;
    if (!stats?.isFile()) return undefined;
    const previous = this.files.get(file);
    if (previous && previous.size === stats.size && previous.mtimeMs === stats.mtimeMs) return previous.hash;
    const content = stats.size > MAX_FILE_BYTES ? undefined : readOrUndefined(path.join(this.root, file));
    const hash = content
      ? createHash('sha1').update(content).digest('hex')
      : `unread:${stats.size}:${stats.mtimeMs}`;
    this.files.set(file, { size: stats.size, mtimeMs: stats.mtimeMs, hash });
    if (previous?.hash !== hash) diff.changed.push(content ? { path: file, content } : { path: file });
    return hash;
  }

  private ignoreFilesChanged(dir: string, previous: DirNode): boolean {
    return previous.files.some((name) => {
      if (!IGNORE_FILES.includes(name)) return false;
      const stats = statOrUndefined(path.join(this.root, dir, name));
      const known = this.files.get(join(dir, name));
      return !stats || !known || known.size !== stats.size || known.mtimeMs !== stats.mtimeMs;
    });
  }

  private list(dir: string, absolute: string): { files: string[]; dirs: string[] } {
    const rules = this.rulesFor(dir);
    const files: string[] = [];
    const dirs: string[] = [];
    let entries;
    try {
      entries = readdirSync(absolute, { withFileTypes: true });
    } catch {
      return { files, dirs };
    }
    for (const entry of entries) {
      // Symlinks are never followed, so the index cannot leave the repository.
      const relative = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!rules.ignores(relative, true)) dirs.push(entry.name);
      } else if (entry.isFile() && !rules.ignores(relative, false) && !isSecretPath(relative)) {
        files.push(entry.name);
      }
    }
    return { files: files.sort(), dirs: dirs.sort() };
  }

  private rulesFor(dir: string): IgnoreRules {
    let rules = this.rules.get(dir);
    if (!rules) {
      rules = dir === '' ? IgnoreRules.root(this.root) : this.rulesFor(parentOf(dir)).child(this.root, dir);
      this.rules.set(dir, rules);
    }
    return rules;
  }
}

function parentOf(dir: string): string {
  const slash = dir.lastIndexOf('/');
  return slash === -1 ? '' : dir.slice(0, slash);
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

function statOrUndefined(absolute: string): Stats | undefined {
  try {
    return statSync(absolute);
  } catch {
    return undefined;
  }
}

function readOrUndefined(absolute: string): Buffer | undefined {
  try {
    return readFileSync(absolute);
  } catch {
    return undefined;
  }
}

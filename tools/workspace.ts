import { realpathSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { FileRefused, mkdirConfined, writeConfined } from '../src/fs/confined.js';
import { gitMetadataRefusal, isGitMetadata } from '../src/fs/git-metadata.js';
import { isInside, realOfNearestExisting } from '../src/fs/paths.js';
import { ToolError } from './tool.js';

interface ReadRecord {
  hash: string;
}

/**
 * The repository the session works in. Every path a tool touches goes through
 * `resolve`, which refuses paths that leave the root (also through symlinks)
 * with a message the model can act on. That is an early check only: the sandbox
 * can swap a path between the check and the use, so files are opened through
 * src/fs/confined.ts, which verifies what was actually opened. The read record
 * lets `edit` refuse to change files the model has not seen or that changed
 * since it read them.
 */
export class Workspace {
  readonly root: string;
  private readonly reads = new Map<string, ReadRecord>();

  constructor(root: string) {
    this.root = realpathSync(root);
  }

  /** Absolute path for a model-supplied path, or a ToolError explaining why it is refused. */
  resolve(requested: string): string {
    if (typeof requested !== 'string' || requested.trim() === '')
      throw new ToolError('path must be a non-empty string');
    if (requested.includes('\0')) throw new ToolError('path contains a NUL byte');
    const absolute = path.resolve(this.root, requested);
    if (!isInside(this.root, absolute)) {
      throw new ToolError(
        `path "${requested}" is outside the workspace (${this.root}); only files inside it can be accessed`,
      );
    }
    const real = realOfNearestExisting(absolute);
    if (!isInside(this.root, real)) {
      throw new ToolError(`path "${requested}" leads through a symlink to ${real}, outside the workspace`);
    }
    return absolute;
  }

  /**
   * Creates or replaces a file, and its missing parent directories, through
   * confined writes (atomic, never outside the root, never inside .git).
   */
  async writeFile(absolute: string, content: string | Buffer): Promise<void> {
    const shown = this.relative(absolute);
    try {
      await mkdirConfined(this.root, path.dirname(absolute), shown);
      await writeConfined(this.root, absolute, content, shown);
    } catch (error) {
      throw refusalAsToolError(error, shown);
    }
  }

  /** resolve, for a path about to be written: also refuses git's metadata up front (writeFile enforces it). */
  resolveForWrite(requested: string): string {
    const absolute = this.resolve(requested);
    const shown = this.relative(absolute);
    if (isGitMetadata(shown)) throw new ToolError(gitMetadataRefusal(shown));
    return absolute;
  }

  /** Path relative to the root, with forward slashes, for messages to the model. */
  relative(absolute: string): string {
    return path.relative(this.root, absolute).split(path.sep).join('/') || '.';
  }

  recordRead(absolute: string, content: Buffer | string): void {
    this.reads.set(absolute, { hash: hashOf(content) });
  }

  /** null when the file was read and is unchanged; otherwise the reason an edit must be refused. */
  staleReason(absolute: string, current: Buffer | string): string | null {
    const record = this.reads.get(absolute);
    const rel = this.relative(absolute);
    if (!record)
      return `${rel} has not been read in this session; read it first so the edit is based on its actual content`;
    if (record.hash !== hashOf(current))
      return `${rel} changed on disk since it was last read; read it again before editing`;
    return null;
  }

  /** The read records (content hash by relative path), for a saved session. */
  readRecords(): Record<string, string> {
    return Object.fromEntries([...this.reads].map(([absolute, { hash }]) => [this.relative(absolute), hash]));
  }

  /** Takes the read records of a saved session: edits of files unchanged since then need no new read. */
  restoreReads(records: Record<string, string>): void {
    for (const [relative, hash] of Object.entries(records))
      this.reads.set(path.join(this.root, relative), { hash });
  }

  /** Files read so far (relative paths), for context rebuilding. */
  filesRead(): string[] {
    return [...this.reads.keys()].map((p) => this.relative(p));
  }
}

/** A confined operation's refusal, as the ToolError the model sees; other errors unchanged. */
export function refusalAsToolError(error: unknown, shown: string): unknown {
  if (!(error instanceof FileRefused)) return error;
  if (error.reason === 'directory') return new ToolError(`${shown} is a directory; give a file path`);
  return new ToolError(error.message);
}

function hashOf(content: Buffer | string): string {
  return createHash('sha1').update(content).digest('hex');
}

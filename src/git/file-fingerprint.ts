import { createHash } from 'node:crypto';
import { readlink } from 'node:fs/promises';
import path from 'node:path';
import { FileRefused, lstatConfined, readConfined } from '../fs/confined.js';

/** Larger files are told apart by size and times, not content: hashing them before every request costs too much. */
const MAX_HASHED_BYTES = 16 * 1024 * 1024;

/**
 * What a work-tree file holds, as a string that changes when the file does:
 * the git blob id of its content (or of a symlink's target) and its executable
 * bit. Hashed here rather than by `git hash-object`, which follows symlinks
 * and blocks on a FIFO: the sandbox shares the tree and may plant either, so
 * the file is read through src/fs/confined.ts.
 */
export async function fingerprint(root: string, relative: string): Promise<string> {
  const absolute = path.join(root, relative);
  try {
    const info = await lstatConfined(root, absolute);
    if (!info) return 'missing';
    if (info.isSymbolicLink()) return `link ${blobId(Buffer.from(await readlink(absolute)))}`;
    if (!info.isFile()) return `special ${info.mode}`;
    if (info.size > MAX_HASHED_BYTES) return `large ${info.size} ${info.mtimeMs} ${info.ctimeMs} ${info.ino}`;
    const content = await readConfined(root, absolute, { maxBytes: MAX_HASHED_BYTES });
    return `file ${info.mode & 0o111 ? 'x' : '-'} ${blobId(content)}`;
  } catch (error) {
    // Swapped for something else while being read: different from before either way.
    if (error instanceof FileRefused) return `refused ${error.reason}`;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/** The id git gives this content as a blob. */
function blobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

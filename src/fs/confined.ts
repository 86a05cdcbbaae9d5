import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import {
  lstat,
  mkdir,
  open,
  readdir,
  readlink,
  realpath,
  rename,
  rm,
  symlink,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
import path from 'node:path';
import { isInside } from './paths.js';
import { gitMetadataRefusal, isGitMetadata } from './git-metadata.js';
import { recordPendingWrite } from './write-journal.js';

/**
 * File access that nothing running concurrently in the workspace can redirect.
 *
 * The sandbox shares the workspace with the harness, so a process in it can
 * swap any path component for a symlink (or a FIFO) between the moment the
 * harness checks a path and the moment it opens it. Checking a path is
 * therefore never enough; what counts is what was actually opened:
 *
 * - The directory holding the file is opened first (O_DIRECTORY) and its real
 *   path is read back from the open descriptor (/proc/self/fd/N on Linux) and
 *   checked against the root. From then on the file is named relative to that
 *   descriptor (`/proc/self/fd/N/name`), which the kernel resolves inside the
 *   opened directory without re-reading the path: a later swap of the
 *   directory's path changes nothing.
 * - The file itself is opened with O_NOFOLLOW (a symlink in the last
 *   component is refused, and followed only by an explicit, re-checked hop)
 *   and O_NONBLOCK (opening a FIFO never waits), then fstat'ed: only regular
 *   files are read, and only up to a size given by the caller.
 * - Writes create a fresh temporary file with O_EXCL|O_NOFOLLOW inside the
 *   opened directory and rename it over the target there: a symlink planted
 *   at the target is replaced, never followed. Missing directories are made
 *   one at a time, each inside a directory opened and checked the same way.
 * - Nothing is written inside git's metadata (see isGitMetadata), judged on
 *   the real path of the opened directory, so a symlink cannot lead there.
 *
 * Where /proc/self/fd does not exist (macOS), the directory's identity is
 * checked by device and inode against its real path instead; that narrows the
 * race to the instant between the check and the use but cannot close it.
 */

/** Why a path was refused; `message` is written for the model. */
export type RefusalReason = 'outside' | 'missing' | 'not-regular' | 'directory' | 'too-large' | 'protected';

export class FileRefused extends Error {
  override name = 'FileRefused';
  readonly reason: RefusalReason;
  /** The file's size, for 'too-large'. */
  readonly size?: number;

  constructor(reason: RefusalReason, message: string, size?: number) {
    super(message);
    this.reason = reason;
    if (size !== undefined) this.size = size;
  }
}

const PROC_FD = '/proc/self/fd';
const hasProcFd = existsSync(PROC_FD);
/** Symlink hops followed inside the workspace before giving up (as the kernel's ELOOP). */
const MAX_HOPS = 16;

const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY;
const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** A directory held open; `entry(name)` names a file in it through the descriptor. */
interface PinnedDir {
  /** The directory's real path, verified inside the root. */
  real: string;
  entry(name: string): string;
}

function outside(shown: string, real: string): FileRefused {
  return new FileRefused('outside', `${shown} leads to ${real}, outside the workspace`);
}

function missing(shown: string): FileRefused {
  return new FileRefused('missing', `${shown} does not exist`);
}

function notRegular(shown: string): FileRefused {
  return new FileRefused('not-regular', `${shown} is not a regular file (a FIFO, socket or device)`);
}

/** Refuses a write to `real` (a real path inside the root) when it lies in git's metadata. */
function refuseGitMetadata(root: string, real: string, shown: string): void {
  if (isGitMetadata(path.relative(root, real))) throw new FileRefused('protected', gitMetadataRefusal(shown));
}

function pinned(fd: number, real: string, dir: string): PinnedDir {
  const base = hasProcFd ? `${PROC_FD}/${fd}` : dir;
  return { real, entry: (name) => `${base}/${name}` };
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

// ---------------------------------------------------------------- async

async function withDir<T>(
  root: string,
  dir: string,
  shown: string,
  use: (dir: PinnedDir) => Promise<T>,
): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await open(dir, DIR_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw missing(shown);
    throw error;
  }
  try {
    const real = hasProcFd
      ? await readlink(`${PROC_FD}/${handle.fd}`)
      : await verifiedRealPath(dir, await handle.stat());
    if (!isInside(root, real)) throw outside(shown, real);
    return await use(pinned(handle.fd, real, dir));
  } finally {
    await handle.close();
  }
}

async function verifiedRealPath(dir: string, opened: Stats): Promise<string> {
  const real = await realpath(dir);
  if (!sameFile(opened, await lstat(real)))
    throw new FileRefused('outside', `${dir} changed while it was opened`);
  return real;
}

/**
 * Opens a regular file inside `root` (the real root) for reading, following
 * symlinks only while they stay inside, and hands it to `use` with its fstat.
 * Throws FileRefused for anything else.
 */
async function withConfinedFile<T>(
  root: string,
  absolute: string,
  shown: string,
  use: (handle: FileHandle, info: Stats) => Promise<T>,
): Promise<T> {
  let target = absolute;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    if (!isInside(root, target)) throw outside(shown, target);
    const next = await withDir(root, path.dirname(target), shown, async (dir) => {
      const name = path.basename(target);
      let handle: FileHandle;
      try {
        handle = await open(dir.entry(name), READ_FLAGS);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw missing(shown);
        // ELOOP: the last component is a symlink; follow it by hand so the next hop is checked too.
        if (code === 'ELOOP' || code === 'EMLINK') {
          return path.resolve(dir.real, await readlink(dir.entry(name)));
        }
        if (code === 'EISDIR') throw new FileRefused('directory', `${shown} is a directory`);
        throw error;
      }
      try {
        const info = await handle.stat();
        if (info.isDirectory()) throw new FileRefused('directory', `${shown} is a directory`);
        if (!info.isFile()) throw notRegular(shown);
        return { value: await use(handle, info) };
      } finally {
        await handle.close();
      }
    });
    if (typeof next !== 'string') return next.value;
    target = next;
  }
  throw new FileRefused('outside', `${shown}: too many levels of symbolic links`);
}

/**
 * Reads a regular file inside `root` (the real root), following symlinks only
 * while they stay inside. Throws FileRefused for anything else, including
 * files larger than `maxBytes`.
 */
export async function readConfined(
  root: string,
  absolute: string,
  options: { maxBytes: number; shown?: string },
): Promise<Buffer> {
  const shown = options.shown ?? path.relative(root, absolute);
  return withConfinedFile(root, absolute, shown, (handle, info) => {
    if (info.size > options.maxBytes) throw new FileRefused('too-large', `${shown} is too large`, info.size);
    return readAt(handle, info.size);
  });
}

/** As readConfined, but a larger file yields its first `maxBytes` bytes and its whole size instead of a refusal. */
export async function readHeadConfined(
  root: string,
  absolute: string,
  options: { maxBytes: number; shown?: string },
): Promise<{ head: Buffer; size: number }> {
  const shown = options.shown ?? path.relative(root, absolute);
  return withConfinedFile(root, absolute, shown, async (handle, info) => ({
    head: await readAt(handle, Math.min(info.size, options.maxBytes)),
    size: info.size,
  }));
}

/** The first `length` bytes (fewer if the file shrank meanwhile). */
async function readAt(handle: FileHandle, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === buffer.length ? buffer : buffer.subarray(0, filled);
}

/** What a path inside the root is, without following a symlink in its last component; undefined when missing. */
export async function lstatConfined(root: string, absolute: string): Promise<Stats | undefined> {
  if (!isInside(root, absolute)) throw outside(path.relative(root, absolute), absolute);
  if (absolute === root) return lstat(root);
  try {
    return await withDir(root, path.dirname(absolute), absolute, (dir) =>
      lstat(dir.entry(path.basename(absolute))),
    );
  } catch (error) {
    if (error instanceof FileRefused && error.reason === 'missing') return undefined;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Entries of a directory inside the root; a directory swapped for a symlink out of it is refused. */
export async function readdirConfined(root: string, dir: string): Promise<Dirent[]> {
  return withDir(root, dir, path.relative(root, dir) || '.', (pinnedDir) =>
    readdir(pinnedDir.entry('.'), { withFileTypes: true }),
  );
}

/**
 * Replaces (or creates) a regular file inside the root atomically: readers see
 * the old or the new content, never half. A symlink at the target is followed
 * only while it stays inside the root (so a link to another workspace file is
 * written through, as editors do); the parent directory must exist (see
 * mkdirConfined). An existing file keeps its permission bits. Returns the real
 * path written.
 */
export async function writeConfined(
  root: string,
  absolute: string,
  content: string | Buffer,
  shown = path.relative(root, absolute),
): Promise<string> {
  let target = absolute;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    if (!isInside(root, target)) throw outside(shown, target);
    const next = await withDir(root, path.dirname(target), shown, async (dir) => {
      const name = path.basename(target);
      refuseGitMetadata(root, path.join(dir.real, name), shown);
      const existing = await lstat(dir.entry(name)).catch(() => undefined);
      if (existing?.isSymbolicLink()) return path.resolve(dir.real, await readlink(dir.entry(name)));
      if (existing?.isDirectory()) throw new FileRefused('directory', `${shown} is a directory`);
      if (existing && !existing.isFile()) throw notRegular(shown);
      await replaceIn(root, dir, name, content, existing && existing.mode & 0o7777);
      return { written: path.join(dir.real, name) };
    });
    if (typeof next !== 'string') return next.written;
    target = next;
  }
  throw new FileRefused('outside', `${shown}: too many levels of symbolic links`);
}

/** Temporary files of interrupted writes carry this marker, so a later start can find and remove them. */
export const TEMP_MARKER = '.agent-tmp-';

/**
 * Writes a temporary file next to `name` and renames it over; `mode` is the
 * replaced file's (new files get the umask's).
 */
async function replaceIn(
  root: string,
  dir: PinnedDir,
  name: string,
  content: string | Buffer,
  mode: number | undefined,
): Promise<void> {
  await renameOver(root, dir, name, async (temporary) => {
    const handle = await open(temporary, TEMP_FLAGS, 0o666);
    try {
      await handle.writeFile(content);
      if (mode !== undefined) await handle.chmod(mode);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    await handle.close();
  });
}

/**
 * Makes a temporary entry next to `name` (with `make`) and renames it over.
 * The temporary entry is journaled while it exists, so one left by a killed
 * process is removed at the next start.
 */
async function renameOver(
  root: string,
  dir: PinnedDir,
  name: string,
  make: (temporary: string) => Promise<void>,
): Promise<void> {
  const temporary = `.${name}${TEMP_MARKER}${randomBytes(6).toString('hex')}`;
  const forget = await recordPendingWrite(root, path.join(dir.real, temporary));
  try {
    await make(dir.entry(temporary));
    await rename(dir.entry(temporary), dir.entry(name));
  } catch (error) {
    await rm(dir.entry(temporary), { force: true }).catch(() => undefined);
    throw error;
  } finally {
    await forget();
  }
}

/**
 * Creates a directory inside the root and any missing parents (as mkdir -p),
 * one component at a time, each inside its parent opened and verified: a path
 * component swapped for a symlink meanwhile cannot make it create anything
 * outside the root (or inside git's metadata).
 */
export async function mkdirConfined(
  root: string,
  absolute: string,
  shown = path.relative(root, absolute),
): Promise<void> {
  if (!isInside(root, absolute)) throw outside(shown, absolute);
  let current = root;
  for (const part of path.relative(root, absolute).split(path.sep).filter(Boolean)) {
    await withDir(root, current, shown, async (dir) => {
      refuseGitMetadata(root, path.join(dir.real, part), shown);
      try {
        await mkdir(dir.entry(part));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // An existing symlink is fine: the next step opens it and checks where it leads.
        const existing = await lstat(dir.entry(part));
        if (!existing.isDirectory() && !existing.isSymbolicLink()) {
          const rel = path.relative(root, path.join(current, part));
          throw new FileRefused('not-regular', `${rel} is a file, not a directory`);
        }
      }
    });
    current = path.join(current, part);
  }
}

/**
 * Removes a temporary file an interrupted write left behind: only a regular
 * file (or symlink) whose name carries TEMP_MARKER, unlinked inside its verified directory
 * (a symlink is never followed; whatever else is there is left alone).
 */
export async function removeTemporaryConfined(root: string, absolute: string): Promise<void> {
  const name = path.basename(absolute);
  if (!name.includes(TEMP_MARKER) || !isInside(root, absolute)) return;
  await withDir(root, path.dirname(absolute), absolute, async (dir) => {
    const left = await lstat(dir.entry(name)).catch(() => undefined);
    // A symlink too: restoring a checkpoint's symlink goes through a temporary one.
    if (left?.isFile() || left?.isSymbolicLink()) await unlink(dir.entry(name));
  });
}

/** What a restored entry is: a regular file (its bytes, whether executable) or a symlink (where it points). */
export type RestoredEntry =
  { kind: 'file'; content: Buffer; executable: boolean } | { kind: 'symlink'; target: string };

/**
 * Puts a file or a symlink at `absolute` as it was in a checkpoint, atomically
 * (a temporary entry renamed over): whatever entry is there now, a symlink
 * included, is replaced and never followed. Missing parent directories are
 * made (see mkdirConfined). An existing file keeps its permission bits but for
 * the executable ones, which come from the checkpoint.
 */
export async function restoreEntryConfined(
  root: string,
  absolute: string,
  entry: RestoredEntry,
  shown = path.relative(root, absolute),
): Promise<void> {
  if (!isInside(root, absolute)) throw outside(shown, absolute);
  await mkdirConfined(root, path.dirname(absolute), shown);
  await withDir(root, path.dirname(absolute), shown, async (dir) => {
    const name = path.basename(absolute);
    refuseGitMetadata(root, path.join(dir.real, name), shown);
    const existing = await lstat(dir.entry(name)).catch(() => undefined);
    if (existing?.isDirectory()) throw new FileRefused('directory', `${shown} is a directory`);
    if (entry.kind === 'file') {
      const base = existing?.isFile() ? existing.mode & 0o7777 & ~0o111 : 0o644;
      const mode = entry.executable ? base | ((base & 0o444) >> 2) : base;
      await replaceIn(root, dir, name, entry.content, mode);
      return;
    }
    await renameOver(root, dir, name, (temporary) => symlink(entry.target, temporary));
  });
}

/**
 * Removes a file or symlink inside the root (a symlink itself, never what it
 * points to), unlinked inside its verified directory. False when nothing was
 * there; a directory is refused.
 */
export async function removeEntryConfined(
  root: string,
  absolute: string,
  shown = path.relative(root, absolute),
): Promise<boolean> {
  if (!isInside(root, absolute)) throw outside(shown, absolute);
  try {
    return await withDir(root, path.dirname(absolute), shown, async (dir) => {
      const name = path.basename(absolute);
      refuseGitMetadata(root, path.join(dir.real, name), shown);
      const existing = await lstat(dir.entry(name)).catch(() => undefined);
      if (!existing) return false;
      if (existing.isDirectory()) throw new FileRefused('directory', `${shown} is a directory`);
      await unlink(dir.entry(name));
      return true;
    });
  } catch (error) {
    if (error instanceof FileRefused && error.reason === 'missing') return false;
    throw error;
  }
}

// ---------------------------------------------------------------- sync
// For the code index and the ignore rules, which run synchronously. Every open
// is non-blocking and every read bounded, so none of them can stall the thread.

function withDirSync<T>(root: string, dir: string, shown: string, use: (dir: PinnedDir) => T): T {
  let fd: number;
  try {
    fd = openSync(dir, DIR_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw missing(shown);
    throw error;
  }
  try {
    let real: string;
    if (hasProcFd) real = readlinkSync(`${PROC_FD}/${fd}`);
    else {
      real = realpathSync(dir);
      if (!sameFile(fstatSync(fd), lstatSync(real)))
        throw new FileRefused('outside', `${dir} changed while it was opened`);
    }
    if (!isInside(root, real)) throw outside(shown, real);
    return use(pinned(fd, real, dir));
  } finally {
    closeSync(fd);
  }
}

/** readConfined for synchronous callers; undefined instead of FileRefused. */
export function readConfinedSync(root: string, absolute: string, maxBytes: number): Buffer | undefined {
  let target = absolute;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    if (!isInside(root, target)) return undefined;
    let next: Buffer | string | undefined;
    try {
      next = withDirSync(root, path.dirname(target), target, (dir) => {
        const name = path.basename(target);
        const read = readRegularSync(dir.entry(name), maxBytes);
        return read === SYMLINK ? path.resolve(dir.real, readlinkSync(dir.entry(name))) : read;
      });
    } catch {
      return undefined;
    }
    if (next === undefined || Buffer.isBuffer(next)) return next;
    target = next;
  }
  return undefined;
}

const SYMLINK = Symbol('symlink');

/** A regular file's bytes when it has at most maxBytes; SYMLINK when the entry is one (not followed). */
function readRegularSync(entry: string, maxBytes: number): Buffer | typeof SYMLINK | undefined {
  let fd: number;
  try {
    fd = openSync(entry, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ELOOP' || code === 'EMLINK' ? SYMLINK : undefined;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > maxBytes) return undefined;
    const buffer = Buffer.alloc(info.size);
    let filled = 0;
    while (filled < buffer.length) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/** A directory inside the root held open, to look up many of its entries for the cost of one check. */
export interface ConfinedDirSync {
  /** What an entry is, a symlink not followed; undefined when missing. */
  lstat(name: string): Stats | undefined;
  /** A regular file's bytes when it has at most maxBytes; undefined for anything else (symlinks are not followed). */
  read(name: string, maxBytes: number): Buffer | undefined;
}

/** Runs `use` on a directory opened and verified inside the root; undefined when it is missing or leads out. */
export function withConfinedDirSync<T>(
  root: string,
  dir: string,
  use: (dir: ConfinedDirSync) => T,
): T | undefined {
  let opened = false;
  try {
    return withDirSync(root, dir, dir, (pinnedDir) => {
      opened = true;
      return use({
        lstat: (name) => lstatOrUndefined(pinnedDir.entry(name)),
        read: (name, maxBytes) => {
          const read = readRegularSync(pinnedDir.entry(name), maxBytes);
          return read === SYMLINK ? undefined : read;
        },
      });
    });
  } catch (error) {
    if (opened) throw error; // from `use`: not ours to hide
    return undefined;
  }
}

function lstatOrUndefined(entry: string): Stats | undefined {
  try {
    return lstatSync(entry);
  } catch {
    return undefined;
  }
}

/** readdirConfined for synchronous callers; [] when the directory is gone or leads out of the root. */
export function readdirConfinedSync(root: string, dir: string): Dirent[] {
  try {
    return withDirSync(root, dir, dir, (pinnedDir) =>
      readdirSync(pinnedDir.entry('.'), { withFileTypes: true }),
    );
  } catch {
    return [];
  }
}

/** lstat of a path inside the root through its pinned directory; undefined when missing or outside. */
export function lstatConfinedSync(root: string, absolute: string): Stats | undefined {
  if (absolute === root) return lstatSync(root);
  return withConfinedDirSync(root, path.dirname(absolute), (dir) => dir.lstat(path.basename(absolute)));
}

import { constants, type Dirent } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { MAX_WALK_DEPTH } from '../fs/visibility/limits.js';

/**
 * Git opens the work tree's rule files (.gitignore in every directory it walks,
 * .gitattributes beside every file it hashes) with a blocking open(). A FIFO
 * under one of those names, which any command can make (mkfifo needs no
 * privilege), holds every host git call until its silence timeout: repository
 * facts, --git-commit, and every checkpoint and undo, which then fail. So
 * while the harness's git runs on a work tree for longer than a moment, each
 * FIFO there under such a name is given a writer that closes at once: git's
 * open returns and it reads an empty file, which is also what the visibility
 * policy makes of a rule file that is not a regular file (not applied).
 * Opened for writing with O_NONBLOCK, a FIFO nobody reads fails at once
 * (ENXIO); nothing is ever written.
 */

/** The files git reads from work-tree directories. */
const GIT_READS = new Set(['.gitignore', '.gitattributes', '.gitmodules', '.mailmap']);
/** A git call running longer than this may be waiting on one; most take a few milliseconds. */
const GRACE_MS = 1000;
const POLL_MS = 100;

const RELEASE_FLAGS = constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/** One watch per work tree while any host git call runs there. */
const watches = new Map<string, Watch>();

/** Call when a host git process starts on `workTree`; call the returned function when it has ended. */
export function watchGitProcess(workTree: string): () => void {
  let watch = watches.get(workTree);
  if (!watch) {
    watch = new Watch(workTree);
    watches.set(workTree, watch);
  }
  const current = watch;
  current.running++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    if (--current.running > 0) return;
    current.stop();
    watches.delete(workTree);
  };
}

class Watch {
  running = 0;
  private fifos: Promise<string[]> | undefined;
  private poll: NodeJS.Timeout | undefined;
  private readonly grace: NodeJS.Timeout;

  constructor(private readonly workTree: string) {
    this.grace = setTimeout(() => {
      this.poll = setInterval(() => void this.release(), POLL_MS).unref();
    }, GRACE_MS).unref();
  }

  stop(): void {
    clearTimeout(this.grace);
    clearInterval(this.poll);
  }

  private async release(): Promise<void> {
    // Found once: between the sandbox's commands nothing runs that could make more.
    this.fifos ??= findRuleFifos(this.workTree);
    for (const fifo of await this.fifos) await releaseReader(fifo);
  }
}

/** FIFOs named as git's rule files anywhere under dir (symlinks not followed, .git not entered). */
async function findRuleFifos(dir: string, depth = 0): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isFIFO() && GIT_READS.has(entry.name)) found.push(full);
    else if (entry.isDirectory() && entry.name !== '.git' && depth < MAX_WALK_DEPTH)
      found.push(...(await findRuleFifos(full, depth + 1)));
  }
  return found;
}

/** Lets a reader blocked opening the FIFO go on (to end of file); nothing when no one waits. */
async function releaseReader(fifo: string): Promise<void> {
  const handle = await open(fifo, RELEASE_FLAGS).catch(() => undefined);
  await handle?.close();
}

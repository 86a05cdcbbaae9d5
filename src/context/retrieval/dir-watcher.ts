import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { debugLog } from '../../core/debug-log.js';

/** Beyond this many directories the index stops watching and re-syncs by stat walk (inotify limits). */
const MAX_WATCHED_DIRS = 4000;

export interface DirtyPaths {
  /** Directories whose entries were added, removed or renamed. */
  dirs: Set<string>;
  /** Entries that changed, were added or were removed. */
  files: Set<string>;
}

/**
 * Watches each indexed directory (not recursively, so ignored trees such as
 * node_modules cost nothing) and remembers what changed, so a re-sync visits
 * only those paths. When watching is impossible or an event may have been
 * lost, `take` answers undefined and the caller walks everything.
 */
export class DirWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private dirty: DirtyPaths = { dirs: new Set(), files: new Set() };
  private complete = false;

  constructor(private readonly root: string) {}

  /** Starts watching a directory (relative); call before listing it so no change slips between. */
  watchDir(dir: string): void {
    if (this.watchers.has(dir)) return;
    if (this.watchers.size >= MAX_WATCHED_DIRS) {
      this.complete = false;
      return;
    }
    try {
      const watcher = watch(path.join(this.root, dir), { persistent: false }, (event, name) => {
        if (name === null || event === 'rename') this.dirty.dirs.add(dir);
        if (name !== null) this.dirty.files.add(dir === '' ? name : `${dir}/${name}`);
      });
      watcher.on('error', (error) => {
        debugLog.swallowed('retrieval: watching a directory', error);
        this.stop(dir);
        this.complete = false;
      });
      this.watchers.set(dir, watcher);
    } catch (error) {
      debugLog.swallowed('retrieval: watching a directory', error);
      this.complete = false;
    }
  }

  /** Stops watching directories that are gone from the index. */
  retain(dirs: Set<string>): void {
    for (const dir of [...this.watchers.keys()]) if (!dirs.has(dir)) this.stop(dir);
  }

  /** Marks the start of a full walk: from its end on, every change is seen. */
  beginFullWalk(): void {
    this.dirty = { dirs: new Set(), files: new Set() };
    this.complete = true;
  }

  /** What changed since the last call, or undefined when only a full walk can tell. */
  take(): DirtyPaths | undefined {
    const dirty = this.dirty;
    this.dirty = { dirs: new Set(), files: new Set() };
    return this.complete ? dirty : undefined;
  }

  close(): void {
    for (const dir of [...this.watchers.keys()]) this.stop(dir);
    this.complete = false;
  }

  private stop(dir: string): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
  }
}

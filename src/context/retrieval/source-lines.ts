import path from 'node:path';
import { readConfinedSync } from '../../fs/confined.js';
import { MAX_FILE_BYTES } from './merkle.js';

/** Reads files' lines on demand for snippets, at most once per query. */
export class SourceLines {
  private readonly cache = new Map<string, string[]>();

  constructor(private readonly root: string) {}

  /** 1-based line of a file, '' when the file or line is gone. */
  line(file: string, line: number): string {
    return this.lines(file)[line - 1] ?? '';
  }

  lines(file: string): string[] {
    let lines = this.cache.get(file);
    if (!lines) {
      // Confined and bounded like the index itself: the file may have become a symlink to the host or a
      // FIFO since it was indexed, and what was never indexed has no snippet to show.
      const content = readConfinedSync(this.root, path.join(this.root, file), MAX_FILE_BYTES);
      lines = content ? content.toString('utf8').split('\n') : [];
      this.cache.set(file, lines);
    }
    return lines;
  }
}

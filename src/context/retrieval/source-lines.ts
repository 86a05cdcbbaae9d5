import { readFileSync } from 'node:fs';
import path from 'node:path';

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
      try {
        lines = readFileSync(path.join(this.root, file), 'utf8').split('\n');
      } catch {
        lines = [];
      }
      this.cache.set(file, lines);
    }
    return lines;
  }
}

import path from 'node:path';
import { NestedIgnoreRules } from '../../../tools/ignore-rules.js';

/** Files whose gitignore-syntax rules apply to the directory holding them and below. */
export const IGNORE_FILES = ['.gitignore', '.agentignore'];

/** Never walked, whatever the rules say: version-control data and dependency or cache trees, even unignored. */
const ALWAYS_SKIPPED = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  '.venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
]);

/** What the index leaves out of one directory: the nested .gitignore and .agentignore rules, and ALWAYS_SKIPPED. */
export class IgnoreRules {
  private constructor(private readonly nested: NestedIgnoreRules) {}

  static root(absoluteRoot: string): IgnoreRules {
    return new IgnoreRules(NestedIgnoreRules.none(IGNORE_FILES).child(absoluteRoot, ''));
  }

  /** The rules for a subdirectory (relative to the root), reading its own ignore files if it has any. */
  child(absoluteRoot: string, relativeDir: string): IgnoreRules {
    return new IgnoreRules(this.nested.child(absoluteRoot, relativeDir));
  }

  ignores(relativePath: string, isDirectory: boolean): boolean {
    if (ALWAYS_SKIPPED.has(path.posix.basename(relativePath))) return true;
    return this.nested.ignores(relativePath, isDirectory);
  }
}

import path from 'node:path';
import { Visibility, type DirectoryRules } from '../../fs/visibility/policy.js';

/** Rule files: an edit to one changes what the index may see. */
export const IGNORE_FILES = ['.gitignore', '.agentignore'];

/**
 * Never indexed, even when no rule excludes them: dependency and cache trees.
 * The tools still show them when no rule hides them (the model may need to
 * read a dependency's source); the index leaves them out for its own cost.
 */
const DEPENDENCY_DIRS = new Set([
  'node_modules',
  '__pycache__',
  '.venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
]);

/**
 * What the index leaves out of one directory: what the visibility policy hides
 * (without the user's allowances: the index feeds the model unasked) and
 * DEPENDENCY_DIRS.
 */
export class IgnoreRules {
  private constructor(private readonly rules: DirectoryRules) {}

  static root(absoluteRoot: string): IgnoreRules {
    return new IgnoreRules(new Visibility(absoluteRoot).rootRules());
  }

  /** The rules for a subdirectory (relative to the root), reading its own ignore files if it has any. */
  child(relativeDir: string): IgnoreRules {
    return new IgnoreRules(this.rules.child(relativeDir));
  }

  ignores(relativePath: string, isDirectory: boolean): boolean {
    if (isDirectory && DEPENDENCY_DIRS.has(path.posix.basename(relativePath))) return true;
    return this.rules.hides(relativePath, isDirectory);
  }
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

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

/**
 * The ignore rules in force in one directory: its own .gitignore and
 * .agentignore on top of its ancestors'. Deeper rules win, so a nested
 * `!pattern` re-includes what a parent excluded, as in git.
 */
export class IgnoreRules {
  private constructor(
    private readonly parent: IgnoreRules | undefined,
    /** Directory of these rules, relative to the root ('' for the root). */
    private readonly dir: string,
    private readonly rules: Ignore | undefined,
  ) {}

  static root(absoluteRoot: string): IgnoreRules {
    return new IgnoreRules(undefined, '', readRules(absoluteRoot));
  }

  /** The rules for a subdirectory (relative to the root), reading its own ignore files if it has any. */
  child(absoluteRoot: string, relativeDir: string): IgnoreRules {
    const rules = readRules(path.join(absoluteRoot, relativeDir));
    return rules ? new IgnoreRules(this, relativeDir, rules) : this;
  }

  ignores(relativePath: string, isDirectory: boolean): boolean {
    if (ALWAYS_SKIPPED.has(path.posix.basename(relativePath))) return true;
    return this.decide(relativePath, isDirectory) ?? false;
  }

  /** true / false when some level decides, undefined when none mentions the path. */
  private decide(relativePath: string, isDirectory: boolean): boolean | undefined {
    if (this.rules) {
      const local = this.dir === '' ? relativePath : relativePath.slice(this.dir.length + 1);
      const result = this.rules.test(isDirectory ? `${local}/` : local);
      if (result.ignored) return true;
      if (result.unignored) return false;
    }
    return this.parent?.decide(relativePath, isDirectory);
  }
}

function readRules(absoluteDir: string): Ignore | undefined {
  let rules: Ignore | undefined;
  for (const name of IGNORE_FILES) {
    let text: string;
    try {
      text = readFileSync(path.join(absoluteDir, name), 'utf8');
    } catch {
      continue;
    }
    rules ??= ignore();
    rules.add(text);
  }
  return rules;
}

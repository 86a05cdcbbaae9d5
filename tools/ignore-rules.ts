import { readFileSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/**
 * The gitignore-syntax rules in force in one directory: its own rule files
 * (e.g. .gitignore) on top of its ancestors'. Deeper rules win, so a nested
 * `!pattern` re-includes what a parent excluded, as in git. Paths are
 * relative to the root, with forward slashes.
 */
export class NestedIgnoreRules {
  private constructor(
    private readonly ruleFiles: readonly string[],
    private readonly parent: NestedIgnoreRules | undefined,
    /** Directory of these rules, relative to the root ('' for the root). */
    private readonly dir: string,
    private readonly rules: Ignore | undefined,
  ) {}

  /** No rules yet; `child(root, '')` adds the root's own. */
  static none(ruleFiles: readonly string[]): NestedIgnoreRules {
    return new NestedIgnoreRules(ruleFiles, undefined, '', undefined);
  }

  /** The rules for a directory (relative to the root) below this one, reading its rule files if it has any. */
  child(absoluteRoot: string, relativeDir: string): NestedIgnoreRules {
    const rules = readRules(path.join(absoluteRoot, relativeDir), this.ruleFiles);
    return rules ? new NestedIgnoreRules(this.ruleFiles, this, relativeDir, rules) : this;
  }

  ignores(relativePath: string, isDirectory: boolean): boolean {
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

function readRules(absoluteDir: string, ruleFiles: readonly string[]): Ignore | undefined {
  let rules: Ignore | undefined;
  for (const name of ruleFiles) {
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

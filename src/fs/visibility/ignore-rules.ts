import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { lstatConfinedSync, readConfinedSync } from '../confined.js';
import { RULE_LIMITS, SIZE_LIMITS } from './limits.js';

/**
 * The gitignore-syntax rules of one rule file name (e.g. .gitignore) in force
 * in one directory: its own file on top of its ancestors'. Deeper rules win,
 * so a nested `!pattern` re-includes what a parent excluded, as in git. Paths
 * are relative to the root, with forward slashes.
 *
 * Rule files are read as the sandbox left them, so each is read only if it is
 * a regular file inside the workspace and at most SIZE_LIMITS.ruleFile long,
 * and only its first RULE_LIMITS rules apply; what is skipped is reported in
 * `notices` so the tool output can say why a file is shown.
 */
export class NestedIgnoreRules {
  private constructor(
    private readonly ruleFile: string,
    private readonly parent: NestedIgnoreRules | undefined,
    /** Directory of these rules, relative to the root ('' for the root). */
    private readonly dir: string,
    private readonly rules: Ignore | undefined,
    /** Rules in force along the chain, for RULE_LIMITS.perChain. */
    private readonly count: number,
    private readonly notices: Set<string>,
  ) {}

  /** No rules yet; `child(root, '')` adds the root's own. */
  static none(ruleFile: string, notices: Set<string>): NestedIgnoreRules {
    return new NestedIgnoreRules(ruleFile, undefined, '', undefined, 0, notices);
  }

  /** The rules for a directory (relative to the root) below this one, reading its rule file if it has one. */
  child(absoluteRoot: string, relativeDir: string): NestedIgnoreRules {
    const lines = this.readRuleLines(absoluteRoot, relativeDir);
    if (!lines) return this;
    const shown = relativeDir === '' ? this.ruleFile : `${relativeDir}/${this.ruleFile}`;
    const room = Math.max(0, Math.min(RULE_LIMITS.perFile, RULE_LIMITS.perChain - this.count));
    const applied = lines.slice(0, room);
    if (applied.length < lines.length) {
      this.notices.add(
        `${shown} has ${count(lines.length)} rules; only the first ${count(applied.length)} apply ` +
          `(at most ${count(RULE_LIMITS.perFile)} per file and ${count(RULE_LIMITS.perChain)} along a path)`,
      );
    }
    const rules = ignore().add(applied);
    return new NestedIgnoreRules(
      this.ruleFile,
      this,
      relativeDir,
      rules,
      this.count + applied.length,
      this.notices,
    );
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

  /** The rule lines (blank lines and comments dropped) of the directory's rule file; undefined when it has none. */
  private readRuleLines(absoluteRoot: string, relativeDir: string): string[] | undefined {
    const file = path.join(absoluteRoot, relativeDir, this.ruleFile);
    const content = readConfinedSync(absoluteRoot, file, SIZE_LIMITS.ruleFile);
    if (!content) {
      this.noticeUnread(absoluteRoot, file);
      return undefined;
    }
    return content
      .toString('utf8')
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  }

  /** Says why an existing rule file was not read (a missing one needs no notice). */
  private noticeUnread(absoluteRoot: string, file: string): void {
    const info = lstatConfinedSync(absoluteRoot, file);
    if (!info) return;
    const shown = path.relative(absoluteRoot, file).split(path.sep).join('/');
    if (info.isFile() && info.size > SIZE_LIMITS.ruleFile)
      this.notices.add(`${shown} is larger than ${SIZE_LIMITS.ruleFile / 1024} KB and was not applied`);
    else this.notices.add(`${shown} is not a regular file inside the workspace and was not applied`);
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

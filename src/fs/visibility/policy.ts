import path from 'node:path';
import picomatch from 'picomatch';
import { NestedIgnoreRules } from './ignore-rules.js';
import { SECRET_MARK, isSecretName, redactSecretLine, redactSecrets } from './secrets.js';

/**
 * Which files the model may see: the one policy behind read, search, list
 * and the code index.
 *
 * - Walks (list, search, the index) skip version-control data, whatever
 *   .gitignore and .agentignore exclude (nested, deeper wins, `!` re-includes;
 *   .agentignore only hides more, it cannot re-include what .gitignore hides),
 *   and files whose names look like credentials.
 * - Asked for by name (read, search of one file), a gitignored file is shown
 *   (build output and logs are worth reading) but an .agentignored one or a
 *   credentials file is refused with the reason.
 * - Secret-shaped values in any shown text are replaced by a marker.
 *
 * Only the user can lift the secrets rule, with `allowFiles` globs in the
 * user's configuration: a repository must not be able to un-hide the user's
 * local .env. Commands in the sandbox still see every file.
 */
export class Visibility {
  private readonly allowed: ((relative: string) => boolean)[];

  constructor(
    readonly root: string,
    /** Globs (relative to the root) of files the user lets the model see despite the secrets rule. */
    allowFiles: readonly string[] = [],
  ) {
    this.allowed = allowFiles.map((glob) => picomatch(glob, { dot: true, basename: !glob.includes('/') }));
  }

  /** The rules of the root directory; notices collect what could not be applied (see NestedIgnoreRules). */
  rootRules(notices = new Set<string>()): DirectoryRules {
    return new DirectoryRules(
      this,
      NestedIgnoreRules.none('.gitignore', notices).child(this.root, ''),
      NestedIgnoreRules.none('.agentignore', notices).child(this.root, ''),
      notices,
    );
  }

  /** Whether the user allowed this file (relative, forward slashes) despite a secret-looking name or content. */
  allows(relative: string): boolean {
    return this.allowed.some((matches) => matches(relative));
  }

  hidesSecret(relative: string): boolean {
    return isSecretName(relative) && !this.allows(relative);
  }

  /**
   * A decision for each path asked about (search hits, a file asked for by
   * name): undefined when visible, else the reason. Reads each directory's rule
   * files once. `named` judges a path the model asked for: gitignore and
   * version-control directories then do not hide it.
   */
  judge(
    mode: 'walked' | 'named',
    notices = new Set<string>(),
  ): (relative: string, isDirectory?: boolean) => string | undefined {
    const rules = new Map<string, DirectoryRules>([['', this.rootRules(notices)]]);
    const rulesFor = (dir: string): DirectoryRules => {
      let found = rules.get(dir);
      if (!found) {
        found = rulesFor(parentOf(dir)).child(dir);
        rules.set(dir, found);
      }
      return found;
    };
    const reasons = new Map<string, string | undefined>([['', undefined]]);
    const judge = (relative: string, isDirectory: boolean): string | undefined => {
      if (reasons.has(relative)) return reasons.get(relative);
      const parent = parentOf(relative);
      const reason = judge(parent, true) ?? rulesFor(parent).reason(relative, isDirectory, mode);
      reasons.set(relative, reason);
      return reason;
    };
    return (relative, isDirectory = false) => judge(relative, isDirectory);
  }

  /** Text of a file for the model: secret-shaped values replaced, unless the user allowed the file. */
  redact(relative: string, text: string): { text: string; hidden: number } {
    return this.allows(relative) ? { text, hidden: 0 } : redactSecrets(text);
  }

  /** Says what redact hid and how the user can show it. */
  redactionNote(hidden: number): string {
    const values = hidden === 1 ? 'value was' : 'values were';
    return `${hidden} secret-shaped ${values} replaced by ${SECRET_MARK}; ${ALLOW_HINT}`;
  }

  /** One matched line (a search hit) for the model. */
  redactLine(relative: string, line: string): string {
    return this.allows(relative) ? line : redactSecretLine(line);
  }
}

/** Version-control data: never walked (.git/config can hold credentials; hooks and objects are noise). */
const VCS_DIRS = new Set(['.git', '.hg', '.svn']);

/** Where the user can allow a secret file, for refusals the model passes on. */
const ALLOW_HINT =
  'to let the agent see it, add a glob matching it to "allowFiles" in your agent configuration ' +
  '(~/.config/agent/config.json); commands in the sandbox can use it either way';

/** The policy's rules in force in one directory. */
export class DirectoryRules {
  constructor(
    private readonly visibility: Visibility,
    private readonly git: NestedIgnoreRules,
    private readonly agent: NestedIgnoreRules,
    /** What could not be applied, for the tool output. */
    readonly notices: Set<string>,
  ) {}

  /** The rules for a subdirectory (relative to the root), reading its own rule files if it has any. */
  child(relativeDir: string): DirectoryRules {
    const root = this.visibility.root;
    return new DirectoryRules(
      this.visibility,
      this.git.child(root, relativeDir),
      this.agent.child(root, relativeDir),
      this.notices,
    );
  }

  /** Whether a walk skips this entry (relative to the root) of the directory. */
  hides(relative: string, isDirectory: boolean): boolean {
    return this.reason(relative, isDirectory, 'walked') !== undefined;
  }

  /** Why the entry is hidden, undefined when it is not. */
  reason(relative: string, isDirectory: boolean, mode: 'walked' | 'named'): string | undefined {
    if (mode === 'walked') {
      if (VCS_DIRS.has(path.posix.basename(relative))) return `${relative} is version-control data`;
      if (this.git.ignores(relative, isDirectory)) return `${relative} is excluded by .gitignore`;
    }
    if (this.agent.ignores(relative, isDirectory))
      return `${relative} is excluded by .agentignore, which keeps it from the agent`;
    if (!isDirectory && this.visibility.hidesSecret(relative))
      return `${relative} looks like a file holding credentials, so its content is not shown; ${ALLOW_HINT}`;
    return undefined;
  }
}

function parentOf(relative: string): string {
  const slash = relative.lastIndexOf('/');
  return slash === -1 ? '' : relative.slice(0, slash);
}

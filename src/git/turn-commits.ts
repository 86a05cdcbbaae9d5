import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import { debugLog } from '../core/debug-log.js';
import type { EventSink } from '../core/events.js';
import { fingerprint } from './file-fingerprint.js';
import { hostSimpleGit } from './host-simple-git.js';
import { readStatus, type GitStatus } from './status.js';

/** The workspace's git state before a request: its status, and what each changed file held. */
interface Before {
  /** The repository's top level (real path): status paths are relative to it. */
  top: string;
  /** Where merge and rebase state lives (a linked worktree's own directory). */
  gitDir: string;
  /** The workspace inside the repository, when it is a subdirectory; only changes there are committed. */
  pathspec: string | undefined;
  status: GitStatus;
  /** What each changed path held (file-fingerprint.ts): a further edit changes no status letter. */
  prints: Map<string, string>;
}

/** Files in git's directory while a merge, rebase, cherry-pick or revert waits for the user. */
const IN_PROGRESS: Record<string, string> = {
  MERGE_HEAD: 'a merge',
  'rebase-merge': 'a rebase',
  'rebase-apply': 'a rebase',
  CHERRY_PICK_HEAD: 'a cherry-pick',
  REVERT_HEAD: 'a revert',
};

/** Who commits when the user configured no identity, and the trailer that credits the agent. */
const AGENT_NAME = 'agent';
const AGENT_EMAIL = 'agent@localhost';

const MAX_SUBJECT_CHARS = 72;
/** Files listed in a message body; a larger change names the rest by count. */
const MAX_LISTED_FILES = 100;

const CHANGE_WORDS: Record<string, string> = { A: 'added', M: 'modified', D: 'deleted', T: 'modified' };

/**
 * --git-commit: after each request of the user that changed files, exactly
 * those changes are committed on the current branch, with a message naming
 * the request and the files (Aider's habit). Files the user had changed
 * before the request and the request left alone stay uncommitted: the state
 * of every changed path (its status and content) is recorded before the
 * request, and only paths whose state moved are committed. Hooks do not run:
 * the work tree is the sandbox's to write and core.hooksPath could point into
 * it, so host-git's settings switch hooks off (and --no-verify says so too).
 * Nothing here fails the session: a commit that cannot be made is a notice.
 */
export class TurnCommits {
  private before: Before | undefined;
  private warned = false;

  constructor(
    private readonly cwd: string,
    private readonly emit: EventSink,
  ) {}

  /** Records the state the next request starts from. */
  async begin(): Promise<void> {
    try {
      this.before = await this.record();
    } catch (error) {
      this.before = undefined;
      debugLog.swallowed('--git-commit: reading the git state before a request', error);
      if (!this.warned)
        this.emit({ type: 'notice', message: `--git-commit: nothing will be committed: ${reason(error)}` });
      this.warned = true;
    }
  }

  /** Commits what the request changed since begin(), if anything; `request` is the user's message. */
  async end(request: string): Promise<void> {
    const before = this.before;
    this.before = undefined;
    if (!before) return;
    try {
      await this.commit(before, request);
    } catch (error) {
      debugLog.swallowed('--git-commit: committing a request', error);
      this.emit({ type: 'notice', message: `git commit failed: ${reason(error)}` });
    }
  }

  private async record(): Promise<Before> {
    const probe = await hostSimpleGit(this.cwd);
    const [top, gitDir] = (await probe.revparse(['--show-toplevel', '--absolute-git-dir'])).split('\n');
    if (!top || !gitDir) throw new Error('git did not name the repository');
    const git = await hostSimpleGit(top);
    const pathspec = path.relative(top, this.cwd) || undefined;
    const status = await readStatus(git, pathspec);
    const prints = new Map<string, string>();
    for (const file of status.entries.keys()) prints.set(file, await fingerprint(top, file));
    return { top, gitDir, pathspec, status, prints };
  }

  private async commit(before: Before, request: string): Promise<void> {
    const git = await hostSimpleGit(before.top);
    const after = await readStatus(git, before.pathspec);
    // Only paths that differ from HEAD now can need committing; one dirty before and clean now matches HEAD again.
    const changed: string[] = [];
    for (const [file, state] of after.entries) {
      const moved =
        before.status.entries.get(file) !== state ||
        before.prints.get(file) !== (await fingerprint(before.top, file));
      if (moved) changed.push(file);
    }
    // Also because `git add -A --` without paths would stage the whole tree.
    if (changed.length === 0) return;
    const busy = Object.entries(IN_PROGRESS).find(([name]) =>
      existsSync(path.join(before.gitDir, name)),
    )?.[1];
    if (!after.branch || busy) {
      const why = after.branch ? `${busy} is in progress` : 'HEAD is detached';
      this.emit({ type: 'notice', message: `git commit skipped: ${why}; the changes stay uncommitted` });
      return;
    }
    // -A: a deleted file is staged as deleted. Literal pathspecs: a file named `*` is that file.
    // --verbose here and no --quiet below: simple-git waits 50 ms more for a command that prints nothing.
    await git.raw(['--literal-pathspecs', 'add', '-A', '--verbose', '--', ...changed]);
    const files = await stagedChanges(git, changed);
    if (files.length === 0) return;
    const subject = subjectFor(request);
    const paths = files.map((file) => file.path);
    await git.raw([
      ...(await identity(git)),
      '--literal-pathspecs',
      'commit',
      // Only these paths: what the user staged elsewhere stays staged, and out of this commit.
      '--only',
      '--no-verify',
      '--no-gpg-sign',
      '-m',
      subject,
      '-m',
      bodyFor(files),
      '-m',
      `Co-authored-by: ${AGENT_NAME} <${AGENT_EMAIL}>`,
      '--',
      ...paths,
    ]);
    const sha = (await git.revparse(['HEAD'])).trim();
    this.emit({ type: 'git_commit', sha, branch: after.branch, subject, files: paths });
  }
}

interface StagedFile {
  path: string;
  change: string;
}

/** How the index differs from HEAD at these paths (against nothing before the first commit). */
async function stagedChanges(git: SimpleGit, paths: string[]): Promise<StagedFile[]> {
  const output = await git.raw([
    '--literal-pathspecs',
    'diff',
    '--cached',
    '--name-status',
    '--no-renames',
    '-z',
    '--',
    ...paths,
  ]);
  const fields = output.split('\0');
  const files: StagedFile[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2)
    files.push({ change: CHANGE_WORDS[fields[i]!] ?? 'changed', path: fields[i + 1]! });
  return files;
}

/** `-c` settings for the committer when the user has none configured: a clear name beats a failed commit. */
async function identity(git: SimpleGit): Promise<string[]> {
  const [name, email] = await Promise.all([git.getConfig('user.name'), git.getConfig('user.email')]);
  return [
    ...(name.value ? [] : ['-c', `user.name=${AGENT_NAME}`]),
    ...(email.value ? [] : ['-c', `user.email=${AGENT_EMAIL}`]),
  ];
}

/** `agent: ` and the first line of the request, on one line of at most 72 characters. */
function subjectFor(request: string): string {
  const line = request
    .split('\n')
    .map((text) => text.replace(/\p{Cc}/gu, ' ').trim())
    .find(Boolean);
  const subject = `agent: ${(line ?? 'changes').replace(/\s+/g, ' ')}`;
  return subject.length <= MAX_SUBJECT_CHARS ? subject : `${subject.slice(0, MAX_SUBJECT_CHARS - 1)}…`;
}

/** One line per file: `added: path`, `modified: path`, `deleted: path`. */
function bodyFor(files: StagedFile[]): string {
  const lines = files.slice(0, MAX_LISTED_FILES).map((file) => `${file.change}: ${file.path}`);
  if (files.length > MAX_LISTED_FILES) lines.push(`and ${files.length - MAX_LISTED_FILES} more files`);
  return lines.join('\n');
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split('\n')[0] ?? message;
}

import { debugLog } from '../core/debug-log.js';
import { hostSimpleGit } from './host-simple-git.js';
import { readStatus } from './status.js';

/** What the model is told about the workspace's git state (src/orchestrator/system-prompt.ts). */
export interface RepoFacts {
  /** Undefined when HEAD is detached. */
  branch: string | undefined;
  /** HEAD's abbreviated commit id; undefined before the first commit. */
  head: string | undefined;
  /** Files that differ from HEAD, staged or not, untracked ones included. */
  changedFiles: number;
}

/**
 * The workspace's git state, from one `git status` (and host-git's look-up of
 * filter drivers). Undefined outside a repository, and when git fails: the
 * session goes on without the facts, and the debug log says why.
 */
export async function readRepoFacts(cwd: string): Promise<RepoFacts | undefined> {
  try {
    const status = await readStatus(await hostSimpleGit(cwd));
    return { branch: status.branch, head: status.head?.slice(0, 7), changedFiles: status.entries.size };
  } catch (error) {
    debugLog.swallowed('reading the git state for the system prompt', error);
    return undefined;
  }
}

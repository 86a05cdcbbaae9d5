import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { failingAddProject, makeGitRepo } from './git-repo.js';

/** A repository and a state directory of its own (where sessions and checkpoints live), so a test sees only its own. */
export function repoWithState(): { repo: string; env: Record<string, string> } {
  return {
    repo: makeGitRepo(failingAddProject),
    env: { XDG_STATE_HOME: mkdtempSync(path.join(tmpdir(), 'agent-state-')) },
  };
}

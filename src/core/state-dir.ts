import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/**
 * Where the harness keeps state that must outlive a run (unlike the cache, it
 * is not safe to delete while a session runs): $XDG_STATE_HOME/agent, else
 * ~/.local/state/agent. Read on every call, so a changed environment is seen.
 */
export function stateDir(): string {
  const base = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'agent');
}

/**
 * A repository's name among the state kept per repository (its sessions, its
 * checkpoints): a hash of the workspace's real path (so two checkouts never
 * share one) with its base name for people reading it.
 */
export function repositoryKey(workspaceRoot: string): string {
  const hash = createHash('sha256').update(workspaceRoot).digest('hex').slice(0, 16);
  const name = path.basename(workspaceRoot).replace(/[^A-Za-z0-9._-]/g, '_') || 'root';
  return `${name}-${hash}`;
}

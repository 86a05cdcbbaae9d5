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

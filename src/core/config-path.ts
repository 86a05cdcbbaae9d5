import { homedir } from 'node:os';
import path from 'node:path';

/**
 * The user's configuration file. Only the user's own file is read, never one
 * from the repository: a repository must not be able to send the user's API
 * keys to an endpoint of its choosing.
 */
export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.AGENT_CONFIG) return env.AGENT_CONFIG;
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), '.config');
  return path.join(base, 'agent', 'config.json');
}

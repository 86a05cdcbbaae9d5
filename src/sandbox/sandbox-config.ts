import { availableParallelism } from 'node:os';

/** The image built on first use (or by `agent sandbox build`); users may bring their own with --sandbox-image. */
export const DEFAULT_SANDBOX_IMAGE = 'agent-sandbox:latest';

/** Where the workspace is mounted inside every sandbox container. */
export const WORKSPACE_MOUNT = '/workspace';

export interface SandboxLimits {
  memoryBytes: number;
  pids: number;
  cpus: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  memoryBytes: 4 * 1024 ** 3,
  pids: 512,
  cpus: Math.min(4, availableParallelism()),
};

/** Labels that mark containers this tool owns, so crashed sessions' containers can be found and reaped. */
export const LABEL = {
  managed: 'dev.agent.managed',
  session: 'dev.agent.session',
  pid: 'dev.agent.pid',
  host: 'dev.agent.host',
  workspace: 'dev.agent.workspace',
} as const;

/** The image name to use: the explicit choice, then AGENT_SANDBOX_IMAGE, then the default. */
export function sandboxImage(explicit?: string): string {
  return explicit || process.env.AGENT_SANDBOX_IMAGE || DEFAULT_SANDBOX_IMAGE;
}

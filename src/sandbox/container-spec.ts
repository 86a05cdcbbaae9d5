import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { LABEL, WORKSPACE_MOUNT, type SandboxLimits } from './sandbox-config.js';
import { SANDBOX_NETWORK } from './network-switch.js';

export interface ContainerSpecInput {
  image: string;
  workspaceRoot: string;
  sessionId: string;
  /** "uid:gid" the commands run as. */
  user: string;
  limits: SandboxLimits;
}

/** PATH and HOME only: nothing of the host environment (tokens, keys) reaches the sandbox. */
export const SANDBOX_ENV = [
  'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'HOME=/tmp',
  'LANG=C.UTF-8',
  'TERM=dumb',
];

/**
 * The session container: the workspace bind-mounted read-write and nothing else
 * of the host, no capabilities, no privilege gain, private /tmp, resource limits.
 * It joins the bridge network only so it can be attached later; the caller
 * detaches it before start unless the network is allowed for the whole run.
 */
export function containerSpec(input: ContainerSpecInput): Docker.ContainerCreateOptions {
  return {
    Image: input.image,
    Cmd: ['sleep', 'infinity'],
    User: input.user,
    WorkingDir: WORKSPACE_MOUNT,
    Env: SANDBOX_ENV,
    Labels: {
      [LABEL.managed]: 'true',
      [LABEL.session]: input.sessionId,
      [LABEL.pid]: String(process.pid),
      [LABEL.host]: hostname(),
      [LABEL.workspace]: input.workspaceRoot,
    },
    HostConfig: {
      Init: true,
      NetworkMode: SANDBOX_NETWORK,
      Binds: [`${input.workspaceRoot}:${WORKSPACE_MOUNT}:rw`],
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,mode=1777' },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: input.limits.memoryBytes,
      MemorySwap: input.limits.memoryBytes,
      PidsLimit: input.limits.pids,
      NanoCpus: Math.round(input.limits.cpus * 1e9),
    },
  };
}

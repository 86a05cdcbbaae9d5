import { hostname } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { LABEL, WORKSPACE_MOUNT, type SandboxLimits } from './sandbox-config.js';
import { SANDBOX_NETWORK } from './network-switch.js';
import type { ProtectedPaths } from './protected-paths.js';

export interface ContainerSpecInput {
  image: string;
  workspaceRoot: string;
  sessionId: string;
  limits: SandboxLimits;
  protectedPaths: ProtectedPaths;
}

/** PATH and HOME only: nothing of the host environment (tokens, keys) reaches the sandbox. */
export const SANDBOX_ENV = [
  'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'HOME=/tmp',
  'LANG=C.UTF-8',
  'TERM=dumb',
];

const MAX_TMP_BYTES = 1024 ** 3;

/**
 * The session container: the workspace bind-mounted read-write (its `.git` read-only, the harness's
 * own directories hidden) and nothing else of the host; a read-only root with size-limited tmpfs
 * scratch space (tmpfs counts against the memory limit: unbounded, a full /tmp got every later command
 * OOM-killed); no privilege gain; resource limits. It runs as root so that the keep-alive and the
 * command server are out of reach of commands, which the server runs as the host user: the only
 * capabilities kept are the ones it needs for that (SETUID, SETGID) and to kill what they leave (KILL).
 * It joins the bridge network only so it can be attached later; the caller detaches it before start
 * unless the network is allowed for the whole run.
 */
export function containerSpec(input: ContainerSpecInput): Docker.ContainerCreateOptions {
  const { readOnly, hidden } = input.protectedPaths;
  const inWorkspace = (relative: string) =>
    path.posix.join(WORKSPACE_MOUNT, relative.split(path.sep).join('/'));
  const tmpBytes = Math.min(MAX_TMP_BYTES, Math.floor(input.limits.memoryBytes / 4));
  return {
    Image: input.image,
    Cmd: ['sleep', 'infinity'],
    User: '0:0',
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
      Binds: [
        `${input.workspaceRoot}:${WORKSPACE_MOUNT}:rw`,
        ...readOnly.map(
          (relative) => `${path.join(input.workspaceRoot, relative)}:${inWorkspace(relative)}:ro`,
        ),
      ],
      ReadonlyRootfs: true,
      Tmpfs: {
        '/tmp': `rw,nosuid,nodev,mode=1777,size=${tmpBytes}`,
        '/var/tmp': 'rw,nosuid,nodev,mode=1777,size=64m',
        '/run': 'rw,nosuid,nodev,mode=755,size=16m',
        ...Object.fromEntries(
          hidden.map((relative) => [inWorkspace(relative), 'ro,nosuid,nodev,noexec,size=4k']),
        ),
      },
      CapDrop: ['ALL'],
      CapAdd: ['KILL', 'SETUID', 'SETGID'],
      SecurityOpt: ['no-new-privileges'],
      Memory: input.limits.memoryBytes,
      MemorySwap: input.limits.memoryBytes,
      PidsLimit: input.limits.pids,
      NanoCpus: Math.round(input.limits.cpus * 1e9),
    },
  };
}

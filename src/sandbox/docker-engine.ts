import type Docker from 'dockerode';

const PING_TIMEOUT_MS = 5000;

/** The engine cannot be reached; the message names the fix. It is never a reason to fall back to the host. */
export class DockerUnavailableError extends Error {
  override name = 'DockerUnavailableError';
}

/** Where dockerode will connect, for messages: DOCKER_HOST when set, else the local socket. */
export function engineAddress(): string {
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

/**
 * Connects to the Docker engine (DOCKER_HOST when set, else the local socket) and
 * checks it answers. dockerode is imported lazily so CLI start-up stays fast.
 */
export async function connectDocker(): Promise<Docker> {
  const { default: DockerClient } = await import('dockerode');
  let docker: Docker;
  try {
    docker = new DockerClient();
    await pingWithTimeout(docker);
  } catch (error) {
    throw new DockerUnavailableError(
      `Cannot reach the Docker engine at ${engineAddress()} (${describe(error)}). ` +
        'Start Docker (for example `sudo systemctl start docker`, or `dockerd &`) and check DOCKER_HOST, ' +
        'or run commands on the host instead with `--sandbox none --yolo`.',
    );
  }
  return docker;
}

/** dockerode accepts an abort signal for ping; its type definitions lag behind. */
function pingWithTimeout(docker: Docker): Promise<unknown> {
  const ping = docker.ping.bind(docker) as unknown as (options: {
    abortSignal: AbortSignal;
  }) => Promise<unknown>;
  return ping({ abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS) });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { LABEL } from './sandbox-config.js';
import { isProcessAlive } from '../core/process-alive.js';

/**
 * Removes sandbox containers left behind by sessions that died without cleaning
 * up (a crash, SIGKILL): managed containers created on this machine whose owning
 * process is gone. Returns how many were removed.
 */
export async function reapOrphanContainers(docker: Docker): Promise<number> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL.managed}=true`, `${LABEL.host}=${hostname()}`] },
  });
  const orphans = containers.filter((info) => !isProcessAlive(Number(info.Labels[LABEL.pid])));
  await Promise.all(orphans.map((info) => removeContainer(docker.getContainer(info.Id))));
  return orphans.length;
}

/** Force-removes a container; one that is already gone counts as removed. */
export async function removeContainer(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    // 404: already gone; 409: removal already in progress.
    if (status !== 404 && status !== 409) throw error;
  }
}

import type Docker from 'dockerode';

/** The sandbox could not be cut off from the network after a command that needed it. */
export class NetworkSealError extends Error {
  override name = 'NetworkSealError';
}

/** The Docker network a sandbox joins while it is allowed out: the engine's default bridge. */
export const SANDBOX_NETWORK = 'bridge';

/**
 * Attaches the container to the network while at least one caller needs it and
 * detaches it after the last one, so a sealed sandbox has only loopback. Connect
 * and disconnect calls are queued so they never overlap.
 */
export class NetworkSwitch {
  private readonly network: Docker.Network;
  private readonly containerId: string;
  private users = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private connected: Promise<unknown> = Promise.resolve();

  constructor(docker: Docker, containerId: string) {
    this.network = docker.getNetwork(SANDBOX_NETWORK);
    this.containerId = containerId;
  }

  async withNetwork<T>(run: () => Promise<T>): Promise<T> {
    if (this.users++ === 0)
      this.connected = this.queue(() => this.network.connect({ Container: this.containerId }));
    try {
      await this.connected;
      return await run();
    } finally {
      if (--this.users === 0) await this.queue(() => this.seal());
    }
  }

  /** Detaches the container, once more if the first attempt fails; throws NetworkSealError if it stays attached. */
  private async seal(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.network.disconnect({ Container: this.containerId, Force: true });
        return;
      } catch (error) {
        if (/is not connected/i.test(String((error as Error).message))) return;
        if (attempt >= 2)
          throw new NetworkSealError(
            `could not take the sandbox off the network again: ${(error as Error).message}`,
          );
      }
    }
  }

  private queue(operation: () => Promise<unknown>): Promise<unknown> {
    const result = this.tail.then(operation);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

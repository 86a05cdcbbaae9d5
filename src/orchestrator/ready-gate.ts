import type { ExecOptions, ExecResult, Sandbox } from '../sandbox/sandbox.js';

/**
 * Starts a sandbox in the background and holds commands until it is ready, so
 * its start-up overlaps the first model call instead of adding to it. A failed
 * start is reported at the next opportunity rather than swallowed: there is
 * never a silent fallback to another sandbox.
 */
export class ReadyGate implements Sandbox {
  private readonly ready: Promise<void>;
  private failure: Error | null = null;

  constructor(
    private readonly inner: Sandbox,
    onFailure: (error: Error) => void,
  ) {
    this.ready = inner.start().catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
      onFailure(this.failure);
      throw this.failure;
    });
    // Observed through throwIfFailed/exec; this keeps an early failure from being an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  get kind(): Sandbox['kind'] {
    return this.inner.kind;
  }

  get networkBlocked(): boolean {
    return this.inner.networkBlocked;
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  start(): Promise<void> {
    return this.ready;
  }

  async exec(command: string, options: ExecOptions): Promise<ExecResult> {
    const { signal } = options;
    // An interrupt while the sandbox is still starting must not wait for it, nor start the command afterwards.
    await untilReadyOrAborted(this.ready, signal);
    if (signal?.aborted)
      return { exitCode: null, output: '', timedOut: false, killedBy: 'interrupt', durationMs: 0 };
    return this.inner.exec(command, options);
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

async function untilReadyOrAborted(ready: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return ready;
  let onAbort = () => {};
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([ready, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

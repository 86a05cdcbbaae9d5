import type { ExecOptions, ExecResult, Sandbox } from '../sandbox/sandbox.js';

/**
 * Starts a sandbox in the background and holds commands until it is ready.
 * The start is left to the caller's timing (the runtime begins it once the
 * first model call is answering, so setting up the sandbox never delays that
 * call) or to the first command, whichever comes first. A failed start is
 * reported at the next opportunity rather than swallowed: there is never a
 * silent fallback to another sandbox.
 */
export class ReadyGate implements Sandbox {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly inner: Sandbox,
    private readonly onStart: () => void,
    private readonly onFailure: (error: Error) => void,
  ) {}

  get kind(): Sandbox['kind'] {
    return this.inner.kind;
  }

  get networkBlocked(): boolean {
    return this.inner.networkBlocked;
  }

  start(): Promise<void> {
    if (!this.ready) {
      this.ready = this.inner.start().catch((error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.onFailure(failure);
        throw failure;
      });
      // Observed through exec and the caller; this keeps an early failure from being an unhandled rejection.
      this.ready.catch(() => undefined);
      this.onStart();
    }
    return this.ready;
  }

  async exec(command: string, options: ExecOptions): Promise<ExecResult> {
    const { signal } = options;
    // An interrupt while the sandbox is still starting must not wait for it, nor start the command afterwards.
    await untilReadyOrAborted(this.start(), signal);
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

import { AsyncLocalStorage } from 'node:async_hooks';
import { ProviderError } from './provider.js';

/**
 * A model server that accepts a request and then sends nothing (no headers,
 * or headers and then no stream) would hold a session for as long as the
 * SDK's own timeout, about ten minutes per attempt. Every byte received counts
 * as a sign of life, Anthropic's keep-alive `ping` events included: a model
 * thinking silently is only told apart from a stuck server by those.
 */
const DEFAULT_IDLE_TIMEOUT_MS = 20_000;

/** The watch of the request in progress, found by the SDK's fetch. */
const current = new AsyncLocalStorage<IdleWatch>();

class IdleWatch {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  private timer: NodeJS.Timeout | undefined;
  private last = performance.now();
  private stopped = false;

  constructor(private readonly timeoutMs: number) {
    this.arm(timeoutMs);
  }

  touch(): void {
    this.last = performance.now();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      // Only the server's silence counts, not ours: when the main thread was busy (a module
      // loading, a large diff), this timer runs before the I/O that waited with it. Look again
      // once that I/O is handled (setImmediate runs after the poll phase).
      setImmediate(() => this.check());
    }, ms);
  }

  private check(): void {
    if (this.stopped) return;
    const idle = performance.now() - this.last;
    if (idle < this.timeoutMs) return this.arm(this.timeoutMs - idle);
    const seconds = Math.round(this.timeoutMs / 100) / 10;
    this.controller.abort(
      new ProviderError(`no data from the model server for ${seconds} s (idle timeout)`, 'timeout'),
    );
  }
}

/**
 * Runs one provider attempt under an idle watch: `attempt` gets a signal that
 * aborts, with a `timeout` ProviderError as its reason, when the server has
 * sent nothing for timeoutMs (default 20 s).
 */
export async function withIdleTimeout<T>(
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const watch = new IdleWatch(timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  try {
    return await current.run(watch, () =>
      attempt(signal ? AbortSignal.any([signal, watch.signal]) : watch.signal),
    );
  } finally {
    watch.stop();
  }
}

/** fetch for the SDK clients: the response headers and every chunk of the body keep the request's watch alive. */
export const watchedFetch: typeof fetch = async (input, init) => {
  const watch = current.getStore();
  // The clock of silence starts when the request leaves, not while the SDK was building it.
  watch?.touch();
  const response = await fetch(input, init);
  if (!watch || !response.body) return response;
  watch.touch();
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        watch.touch();
        controller.enqueue(chunk);
      },
    }),
  );
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
};

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

  constructor(private readonly timeoutMs: number) {
    this.touch();
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const seconds = Math.round(this.timeoutMs / 100) / 10;
      this.controller.abort(
        new ProviderError(`no data from the model server for ${seconds} s (idle timeout)`, 'timeout'),
      );
    }, this.timeoutMs);
  }

  stop(): void {
    clearTimeout(this.timer);
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

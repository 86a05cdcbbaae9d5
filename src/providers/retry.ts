import { debugLog } from '../core/debug-log.js';
import { toUsageReport } from '../core/usage.js';
import {
  ProviderError,
  type ModelRequest,
  type ModelResponse,
  type Provider,
  type StreamHandlers,
} from './provider.js';

export interface RetryOptions {
  /** Total attempts including the first. */
  maxAttempts?: number;
  /** Attempts that may end in an idle timeout: a server that went silent twice is not waited for a third time. */
  maxTimeoutAttempts?: number;
  /** Attempts that may end in unreadable model output: a model that failed the same way twice is not asked a third time. */
  maxBadOutputAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A server asking for a longer wait than this is not waited for: the error surfaces instead. */
  maxRetryAfterMs?: number;
  /** Called before each wait, so the caller can tell the user (the orchestrator's `retry` event). */
  onRetry?: (attempt: number, delayMs: number, reason: string) => void;
  /** Source of jitter in [0, 1); injectable so delays can be reproduced. */
  random?: () => number;
}

const DEFAULTS = {
  maxAttempts: 5,
  maxTimeoutAttempts: 2,
  maxBadOutputAttempts: 2,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** Exponential backoff with "equal jitter": half the step is fixed, half random, so retries spread out but never collapse to zero. */
export function backoffDelay(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random = Math.random,
): number {
  const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => {
      clearTimeout(timer);
      reject(new ProviderError('Request aborted', 'aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    if (signal?.aborted) aborted();
    else signal?.addEventListener('abort', aborted, { once: true });
  });
}

/** Wraps a provider so transient failures (rate limits, overload, 5xx, dropped connections) are retried. */
export function withRetries(provider: Provider, options: RetryOptions = {}): Provider {
  const { maxAttempts, maxTimeoutAttempts, maxBadOutputAttempts, baseDelayMs, maxDelayMs, maxRetryAfterMs } =
    {
      ...DEFAULTS,
      ...options,
    };
  return {
    name: provider.name,
    async complete(request: ModelRequest, handlers: StreamHandlers): Promise<ModelResponse> {
      let timeouts = 0;
      let badOutputs = 0;
      for (let attempt = 1; ; attempt++) {
        const started = performance.now();
        const took = () => Math.round(performance.now() - started);
        try {
          const response = await provider.complete(request, handlers);
          debugLog.record({
            type: 'request',
            model: request.model,
            attempt,
            duration_ms: took(),
            outcome: 'ok',
            usage: toUsageReport(response.usage),
            stop_reason: response.stopReason,
          });
          return response;
        } catch (error) {
          debugLog.record({
            type: 'request',
            model: request.model,
            attempt,
            duration_ms: took(),
            outcome: error instanceof ProviderError ? error.kind : 'error',
            error: error instanceof Error ? error.message : String(error),
          });
          const retryable = error instanceof ProviderError && error.retryable && !request.signal?.aborted;
          if (!retryable || attempt >= maxAttempts) throw error;
          if (error.kind === 'timeout' && ++timeouts >= maxTimeoutAttempts) throw error;
          if (error.kind === 'bad_output' && ++badOutputs >= maxBadOutputAttempts) throw error;
          if (error.retryAfterMs !== undefined && error.retryAfterMs > maxRetryAfterMs) throw error;
          const delayMs =
            error.retryAfterMs ?? backoffDelay(attempt, baseDelayMs, maxDelayMs, options.random);
          const reason = `${error.kind}: ${error.message}`;
          debugLog.record({ type: 'retry', attempt, delay_ms: delayMs, reason });
          options.onRetry?.(attempt, delayMs, reason);
          await sleep(delayMs, request.signal);
        }
      }
    },
  };
}

import type { EventSink } from '../core/events.js';
import {
  ProviderError,
  type ModelRequest,
  type ModelResponse,
  type Provider,
  type StreamHandlers,
} from './provider.js';
import { withRetries, type RetryOptions } from './retry.js';

/** One provider of a fallback list, with the model it answers with. */
export interface FallbackTarget {
  name: string;
  model: string;
  /** Without retries: they are added here, and the primary's recovery probe goes without them. */
  provider: Provider;
}

/** Calls answered by a fallback before the primary is tried again. */
const RETRY_PRIMARY_AFTER_CALLS = 3;

/** Only an outage moves the session; a refused key or a bad request would fail on any provider the same way it is configured. */
const isOutage = (error: unknown, request: ModelRequest): error is ProviderError =>
  error instanceof ProviderError && error.retryable && !request.signal?.aborted;

/**
 * Continues on the next provider of the list when the current one is down
 * (its retries exhausted on a retryable error), and goes back to the primary
 * once it answers again: every switch is announced with a `notice` and a
 * `route` event, never silent. The primary answers with the model the router
 * asked for; a fallback with its own. Reasoning needs no care here: the
 * adapters replay a reasoning block only to the provider and model that
 * produced it.
 */
export function withFallback(
  [primary, ...fallbacks]: [FallbackTarget, ...FallbackTarget[]],
  emit: EventSink,
  retry: RetryOptions = {},
): Provider {
  const chain = [primary, ...fallbacks].map((target) => ({
    ...target,
    retried: withRetries(target.provider, retry),
  }));
  let active = 0;
  let callsAway = 0;
  const label = (i: number, model: string) => `${chain[i]!.name}/${model}`;

  const probePrimary = async (
    request: ModelRequest,
    handlers: StreamHandlers,
  ): Promise<ModelResponse | undefined> => {
    callsAway = 0;
    try {
      const response = await primary.provider.complete(request, handlers);
      emit({
        type: 'notice',
        message: `${primary.name} is answering again; back on ${label(0, request.model)}`,
      });
      emit({ type: 'route', model: request.model, reason: 'recovered' });
      active = 0;
      return response;
    } catch (error) {
      if (!isOutage(error, request)) throw error;
      emit({
        type: 'notice',
        message: `${primary.name} is still failing (${error.message}); staying on ${label(active, chain[active]!.model)}`,
      });
      return undefined;
    }
  };

  return {
    name: primary.provider.name,
    async complete(request, handlers) {
      if (active > 0 && callsAway >= RETRY_PRIMARY_AFTER_CALLS) {
        const back = await probePrimary(request, handlers);
        if (back) return back;
      }
      for (;;) {
        const target = chain[active]!;
        const model = active === 0 ? request.model : target.model;
        try {
          const response = await target.retried.complete({ ...request, model }, handlers);
          if (active > 0) callsAway++;
          return active === 0 ? response : { ...response, model };
        } catch (error) {
          const next = chain[active + 1];
          if (!next || !isOutage(error, request)) throw error;
          active++;
          callsAway = 0;
          emit({
            type: 'notice',
            message: `${target.name} is failing (${error.message}); continuing on ${label(active, next.model)}`,
          });
          emit({ type: 'route', model: next.model, reason: 'fallback' });
        }
      }
    },
  };
}

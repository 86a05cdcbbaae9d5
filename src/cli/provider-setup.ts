import type { EventSink } from '../core/events.js';
import { ConfigError } from '../providers/errors.js';
import { createProvider, type ProviderName } from '../providers/factory.js';
import { modelInfo, type ModelInfo } from '../providers/models.js';
import type { Provider } from '../providers/provider.js';
import { withRetries } from '../providers/retry.js';
import type { ModelChoice } from '../orchestrator/model-router.js';
import { UsageError } from './exit-codes.js';
import type { RunFlags } from './main.js';

/** Replies longer than this are rarely useful to a coding loop and slow every turn down. */
const DEFAULT_OUTPUT_CAP = 16_384;

export interface ConnectedProvider {
  /** The provider with retries that report through the session's event stream. */
  provider: (emit: EventSink) => Provider;
  models: ModelChoice;
  model: ModelInfo;
  maxOutputTokens: number;
}

/** Resolves provider, model and limits from flags and environment; configuration mistakes become usage errors. */
export async function connectProvider(flags: RunFlags, env: NodeJS.ProcessEnv): Promise<ConnectedProvider> {
  try {
    const configured = await createProvider({
      provider: flags.provider as ProviderName | undefined,
      model: flags.model,
      baseUrl: flags.baseUrl,
      env,
    });
    const model = modelInfo(
      configured.model,
      flags.contextWindow ? { contextWindow: flags.contextWindow } : {},
    );
    return {
      provider: (emit) =>
        withRetries(configured.provider, {
          onRetry: (attempt, delayMs, reason) => emit({ type: 'retry', attempt, delay_ms: delayMs, reason }),
        }),
      models: { main: configured.model, ...(flags.fastModel && { fast: flags.fastModel }) },
      model,
      maxOutputTokens: flags.maxOutputTokens ?? Math.min(model.maxOutputTokens, DEFAULT_OUTPUT_CAP),
    };
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

import { ConfigError } from '../providers/errors.js';
import { createProvider } from '../providers/factory.js';
import { modelInfo } from '../providers/models.js';
import { withRetries } from '../providers/retry.js';
import type { ProviderConnection } from '../runtime/agent.js';
import { UsageError } from './exit-codes.js';
import { loadConfig, type AgentConfig, type ProviderProfile } from './config.js';
import { configPath } from '../core/config-path.js';
import type { RunFlags } from './main.js';

/** Replies longer than this are rarely useful to a coding loop and slow every turn down. */
const DEFAULT_OUTPUT_CAP = 16_384;

/**
 * Resolves provider, model and limits from flags, the configuration file and
 * the environment (in that order of precedence); configuration mistakes become
 * usage errors.
 */
export async function connectProvider(flags: RunFlags, env: NodeJS.ProcessEnv): Promise<ProviderConnection> {
  const config = await loadConfig(env);
  const name = flags.provider ?? config.provider;
  const profile = name === undefined ? undefined : profileFor(name, config);
  try {
    const configured = await createProvider({
      provider: profile?.type,
      model: flags.model ?? profile?.model ?? config.model,
      baseUrl: flags.baseUrl ?? profile?.baseUrl,
      apiKey: profile?.apiKeyEnv ? requireKey(name!, profile.apiKeyEnv, env) : undefined,
      idleTimeoutMs: secondsToMs(flags.idleTimeout ?? profile?.idleTimeout ?? config.idleTimeout),
      env,
    });
    const model = modelInfo(configured.model, {
      ...config.models[configured.model],
      ...(profile?.contextWindow && { contextWindow: profile.contextWindow }),
      ...(profile?.maxOutputTokens && { maxOutputTokens: profile.maxOutputTokens }),
      ...(flags.contextWindow && { contextWindow: flags.contextWindow }),
    });
    const fast = flags.fastModel ?? profile?.fastModel;
    return {
      provider: (emit) =>
        withRetries(configured.provider, {
          onRetry: (attempt, delayMs, reason) => emit({ type: 'retry', attempt, delay_ms: delayMs, reason }),
        }),
      models: { main: configured.model, ...(fast && { fast }) },
      model,
      maxOutputTokens: flags.maxOutputTokens ?? Math.min(model.maxOutputTokens, DEFAULT_OUTPUT_CAP),
    };
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** A provider by name: one from the configuration file, or a built-in protocol name. */
function profileFor(name: string, config: AgentConfig): ProviderProfile {
  const configured = config.providers[name];
  if (configured) return configured;
  if (name === 'openai' || name === 'anthropic') return { type: name };
  const known = ['openai', 'anthropic', ...Object.keys(config.providers)];
  throw new UsageError(
    `unknown provider "${name}": use one of ${known.join(', ')} (providers are configured in ${configPath(process.env)})`,
  );
}

function requireKey(provider: string, variable: string, env: NodeJS.ProcessEnv): string {
  const key = env[variable];
  if (!key)
    throw new UsageError(
      `No API key for ${provider}: set ${variable} (named by apiKeyEnv in its configuration)`,
    );
  return key;
}

const secondsToMs = (seconds: number | undefined): number | undefined =>
  seconds === undefined ? undefined : seconds * 1000;

import path from 'node:path';
import { ConfigError } from '../providers/errors.js';
import { createProvider, type ConfiguredProvider } from '../providers/factory.js';
import { modelInfo } from '../providers/models.js';
import { loadModuleProvider, MODULE_PROVIDER } from '../providers/module-provider.js';
import { priceOf, type PriceOverride } from '../providers/prices.js';
import { providerKind, providerTypes } from '../providers/registry.js';
import { withFallback, type FallbackTarget } from '../providers/fallback.js';
import { withRetries, type RetryOptions } from '../providers/retry.js';
import type { ProviderConnection } from '../runtime/agent.js';
import { UsageError } from './exit-codes.js';
import type { AgentConfig, ProviderProfile } from './config.js';
import { runApiKeyCommand } from './api-key-command.js';
import { configPath } from '../core/config-path.js';
import type { RunFlags } from './main.js';

/** Replies longer than this are rarely useful to a coding loop and slow every turn down. */
const DEFAULT_OUTPUT_CAP = 16_384;

/** With extended thinking, the reply after the thinking still needs room. */
const REPLY_ROOM_AFTER_THINKING = 4_096;

/**
 * Resolves provider, model, limits and prices from flags, the configuration
 * file and the environment (in that order of precedence); configuration
 * mistakes become usage errors.
 */
export async function connectProvider(
  flags: RunFlags,
  config: AgentConfig,
  env: NodeJS.ProcessEnv,
): Promise<ProviderConnection> {
  const name = flags.provider ?? config.provider;
  const profile = name === undefined ? undefined : profileFor(name, config);
  try {
    const thinkingBudget = flags.thinking ?? profile?.thinkingBudget ?? config.thinkingBudget;
    const configured = await configure(
      name,
      profile,
      {
        model: flags.model ?? profile?.model ?? config.model,
        baseUrl: flags.baseUrl ?? profile?.baseUrl,
        idleTimeout: flags.idleTimeout ?? profile?.idleTimeout ?? config.idleTimeout,
      },
      env,
      thinkingBudget,
    );
    const fallbacks = await configureFallbacks(
      flags.fallback ?? profile?.fallback ?? config.fallback ?? [],
      config,
      env,
    );
    const model = modelInfo(configured.model, {
      ...config.models[configured.model],
      ...(profile?.contextWindow && { contextWindow: profile.contextWindow }),
      ...(profile?.maxOutputTokens && { maxOutputTokens: profile.maxOutputTokens }),
      ...(flags.contextWindow && { contextWindow: flags.contextWindow }),
    });
    const fast = flags.fastModel ?? profile?.fastModel;
    const prices = Object.fromEntries(
      Object.entries(config.models).flatMap(([id, entry]) => (entry.price ? [[id, entry.price]] : [])),
    ) as Record<string, PriceOverride>;
    const price = (id: string) => priceOf(id, prices);
    if (flags.maxBudgetUsd !== undefined)
      for (const id of [configured.model, fast, ...fallbacks.map((f) => f.model)].filter(
        (m) => m !== undefined,
      ))
        if (!price(id))
          throw new UsageError(
            `--max-budget-usd needs the price of ${id}: set models["${id}"].price in ${configPath(env)}`,
          );
    const outputCap = thinkingBudget
      ? Math.max(DEFAULT_OUTPUT_CAP, thinkingBudget + REPLY_ROOM_AFTER_THINKING)
      : DEFAULT_OUTPUT_CAP;
    const maxOutputTokens = flags.maxOutputTokens ?? Math.min(model.maxOutputTokens, outputCap);
    if (thinkingBudget !== undefined && thinkingBudget >= maxOutputTokens)
      throw new UsageError(
        `the thinking budget (${thinkingBudget} tokens) must be below the output limit (${maxOutputTokens}): raise --max-output-tokens`,
      );
    return {
      provider: (emit) => {
        const retry: RetryOptions = {
          onRetry: (attempt, delayMs, reason) => emit({ type: 'retry', attempt, delay_ms: delayMs, reason }),
        };
        return fallbacks.length === 0
          ? withRetries(configured.provider, retry)
          : withFallback([configured, ...fallbacks], emit, retry);
      },
      models: {
        main: configured.model,
        ...(fast && { fast, fastContextWindow: modelInfo(fast, config.models[fast]).contextWindow }),
      },
      model,
      maxOutputTokens,
      price,
    };
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The fallback list's providers, each as its configuration describes it:
 * the main provider's flags (--model, --base-url, --thinking) are not theirs.
 */
async function configureFallbacks(
  entries: string[],
  config: AgentConfig,
  env: NodeJS.ProcessEnv,
): Promise<FallbackTarget[]> {
  const targets: FallbackTarget[] = [];
  for (const entry of entries) {
    // Model ids may hold colons themselves (llama3:8b); provider names do not.
    const [name, ...rest] = entry.split(':');
    const profile = profileFor(name!, config);
    const configured = await configure(
      name,
      profile,
      {
        model: rest.join(':') || profile.model,
        baseUrl: profile.baseUrl,
        idleTimeout: profile.idleTimeout ?? config.idleTimeout,
      },
      env,
      profile.thinkingBudget,
    );
    targets.push({ ...configured, name: name! });
  }
  return targets;
}

/** The provider itself: a built-in protocol, or the user's module. */
async function configure(
  name: string | undefined,
  profile: ProviderProfile | undefined,
  { model, baseUrl, idleTimeout }: { model?: string; baseUrl?: string; idleTimeout?: number },
  env: NodeJS.ProcessEnv,
  thinkingBudget: number | undefined,
): Promise<ConfiguredProvider> {
  const apiKey = profile ? await keyFor(name!, profile, env) : undefined;
  if (profile?.type !== MODULE_PROVIDER)
    return createProvider({
      provider: profile?.type,
      model,
      baseUrl,
      apiKey,
      idleTimeoutMs: secondsToMs(idleTimeout),
      thinkingBudget,
      env,
    });
  if (!model) throw new UsageError(`provider ${name} needs a model: set its "model" or pass --model`);
  // Relative to the configuration file: the user's own directory, never the repository's.
  const file = path.resolve(path.dirname(configPath(env)), profile.module!);
  const provider = await loadModuleProvider(file, {
    model,
    ...(apiKey && { apiKey }),
    ...(baseUrl && { baseUrl }),
    ...(thinkingBudget && { thinkingBudget }),
    options: profile.options ?? {},
  });
  return { provider, name: provider.name, model, ...(baseUrl && { baseUrl }) };
}

/** A provider by name: one from the configuration file, or a built-in protocol name. */
function profileFor(name: string, config: AgentConfig): ProviderProfile {
  const configured = config.providers[name];
  if (configured) return configured;
  if (providerKind(name)) return { type: name };
  const known = [...providerTypes(), ...Object.keys(config.providers)];
  throw new UsageError(
    `unknown provider "${name}": use one of ${known.join(', ')} (providers are configured in ${configPath(process.env)})`,
  );
}

/** The key named by the configuration: from its variable or its credentials helper; none otherwise. */
async function keyFor(
  provider: string,
  profile: ProviderProfile,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (profile.apiKeyCommand)
    return runApiKeyCommand(provider, profile.apiKeyCommand, path.dirname(configPath(env)));
  if (!profile.apiKeyEnv) return undefined;
  const key = env[profile.apiKeyEnv];
  if (!key)
    throw new UsageError(
      `No API key for ${provider}: set ${profile.apiKeyEnv} (named by apiKeyEnv in its configuration)`,
    );
  return key;
}

const secondsToMs = (seconds: number | undefined): number | undefined =>
  seconds === undefined ? undefined : seconds * 1000;

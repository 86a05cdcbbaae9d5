import { ConfigError } from './errors.js';
import { modelInfo } from './models.js';
import type { Provider } from './provider.js';
import { PROVIDER_KINDS, providerKind, providerTypes, type ProviderKind } from './registry.js';

export interface ProviderSettings {
  /** A built-in protocol (registry.ts); chosen from the model name and the environment when unset. */
  provider?: string;
  model?: string;
  /** Flags win over the environment. */
  baseUrl?: string;
  apiKey?: string;
  /** Abort an attempt after this long without a byte from the server (default: idle-timeout.ts). */
  idleTimeoutMs?: number;
  /** Ask the model to think first, with this many tokens (protocols that support it). */
  thinkingBudget?: number;
  env: Record<string, string | undefined>;
}

export interface ConfiguredProvider {
  provider: Provider;
  name: string;
  model: string;
  baseUrl?: string;
}

/** Local OpenAI-compatible servers (Ollama, vLLM) ignore the key, but the SDK insists on one. */
const LOCAL_SERVER_KEY = 'not-needed';

const configured = (kind: ProviderKind, env: ProviderSettings['env']): boolean =>
  Boolean(env[kind.env.key] || env[kind.env.baseUrl]);

/**
 * Without --provider: a model name of a protocol's own family decides;
 * otherwise the first protocol the environment configures (a bare --base-url
 * means the first protocol that serves local servers keylessly: OpenAI-compatible).
 */
export function pickProvider(settings: Omit<ProviderSettings, 'provider'>): string {
  const family = settings.model ? modelInfo(settings.model).family : 'open';
  if (providerKind(family)) return family;
  const keyless = PROVIDER_KINDS.find((kind) => kind.keyOptionalWithBaseUrl)!;
  if (settings.baseUrl) return keyless.type;
  const configuredKinds = PROVIDER_KINDS.filter((kind) => configured(kind, settings.env));
  return configuredKinds.length === 1 ? configuredKinds[0]!.type : keyless.type;
}

function missingKey(kind: ProviderKind): ConfigError {
  return new ConfigError(
    kind.keyOptionalWithBaseUrl
      ? `No API key for ${kind.type}: set ${kind.env.key}, or pass --base-url for a local ${kind.title}-compatible server (keys are optional there)`
      : `No API key for ${kind.type}: set ${kind.env.key}`,
  );
}

export async function createProvider(settings: ProviderSettings): Promise<ConfiguredProvider> {
  const name = settings.provider ?? pickProvider(settings);
  const kind = providerKind(name);
  if (!kind) {
    throw new ConfigError(
      `Unknown provider "${name}": use --provider ${providerTypes().join(' or --provider ')}`,
    );
  }
  if (settings.thinkingBudget !== undefined && !kind.thinking)
    throw new ConfigError(
      `thinking (--thinking, thinkingBudget) is not supported by the ${kind.type} protocol`,
    );
  const baseUrl = settings.baseUrl || settings.env[kind.env.baseUrl] || undefined;
  const apiKey =
    settings.apiKey ||
    settings.env[kind.env.key] ||
    (kind.keyOptionalWithBaseUrl && baseUrl ? LOCAL_SERVER_KEY : undefined);
  if (!apiKey) throw missingKey(kind);
  const model = settings.model || kind.defaultModel;
  const provider = kind.create({
    apiKey,
    baseUrl,
    idleTimeoutMs: settings.idleTimeoutMs,
    thinkingBudget: settings.thinkingBudget,
  });
  return { provider, name: kind.type, model, ...(baseUrl && { baseUrl }) };
}

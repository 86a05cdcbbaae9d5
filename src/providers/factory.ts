import { AnthropicProvider } from './anthropic.js';
import { ConfigError } from './errors.js';
import { modelInfo } from './models.js';
import { OpenAIProvider } from './openai.js';
import type { Provider } from './provider.js';

export type ProviderName = 'openai' | 'anthropic';

export interface ProviderSettings {
  /** Chosen automatically from the model name and the environment when unset. */
  provider?: ProviderName;
  model?: string;
  /** Flags win over the environment. */
  baseUrl?: string;
  apiKey?: string;
  /** Abort an attempt after this long without a byte from the server (default: idle-timeout.ts). */
  idleTimeoutMs?: number;
  env: Record<string, string | undefined>;
}

export interface ConfiguredProvider {
  provider: Provider;
  name: ProviderName;
  model: string;
  baseUrl?: string;
}

export const DEFAULT_MODELS: Record<ProviderName, string> = {
  openai: 'gpt-5',
  anthropic: 'claude-sonnet-5-5',
};

const ENV = {
  openai: { key: 'OPENAI_API_KEY', baseUrl: 'OPENAI_BASE_URL' },
  anthropic: { key: 'ANTHROPIC_API_KEY', baseUrl: 'ANTHROPIC_BASE_URL' },
} as const;

/** Local OpenAI-compatible servers (Ollama, vLLM) ignore the key, but the SDK insists on one. */
const LOCAL_SERVER_KEY = 'not-needed';

const configured = (name: ProviderName, env: ProviderSettings['env']): boolean =>
  Boolean(env[ENV[name].key] || env[ENV[name].baseUrl]);

/**
 * Without --provider: a Claude or GPT model name decides; otherwise whichever
 * provider the environment configures, Anthropic only when OpenAI is not
 * configured at all (a bare --base-url means an OpenAI-compatible server).
 */
export function pickProvider(settings: Omit<ProviderSettings, 'provider'>): ProviderName {
  const family = settings.model ? modelInfo(settings.model).family : 'open';
  if (family === 'openai' || family === 'anthropic') return family;
  if (configured('anthropic', settings.env) && !configured('openai', settings.env) && !settings.baseUrl) {
    return 'anthropic';
  }
  return 'openai';
}

function missingKey(name: ProviderName): ConfigError {
  return name === 'openai'
    ? new ConfigError(
        'No API key for openai: set OPENAI_API_KEY, or pass --base-url for a local OpenAI-compatible server (keys are optional there)',
      )
    : new ConfigError('No API key for anthropic: set ANTHROPIC_API_KEY');
}

export async function createProvider(settings: ProviderSettings): Promise<ConfiguredProvider> {
  const name = settings.provider ?? pickProvider(settings);
  if (name !== 'openai' && name !== 'anthropic') {
    throw new ConfigError(
      `Unknown provider "${String(name)}": use --provider openai or --provider anthropic`,
    );
  }
  const baseUrl = settings.baseUrl || settings.env[ENV[name].baseUrl] || undefined;
  const apiKey =
    settings.apiKey ||
    settings.env[ENV[name].key] ||
    (name === 'openai' && baseUrl ? LOCAL_SERVER_KEY : undefined);
  if (!apiKey) throw missingKey(name);
  const model = settings.model || DEFAULT_MODELS[name];
  const options = { apiKey, baseUrl, idleTimeoutMs: settings.idleTimeoutMs };
  const provider = name === 'openai' ? new OpenAIProvider(options) : new AnthropicProvider(options);
  return { provider, name, model, ...(baseUrl && { baseUrl }) };
}

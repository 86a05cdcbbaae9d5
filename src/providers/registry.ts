import { AnthropicProvider } from './anthropic.js';
import { OpenAIProvider } from './openai.js';
import type { Provider } from './provider.js';

/** What every built-in adapter is constructed from. */
export interface ProviderOptions {
  apiKey: string;
  /** Unset means the protocol's public endpoint. */
  baseUrl?: string;
  /** Abort an attempt after this long without a byte from the server. */
  idleTimeoutMs?: number;
  /** Tokens the model may think before answering; only protocols with `thinking` accept it. */
  thinkingBudget?: number;
}

/** A wire protocol the harness speaks: everything provider setup needs to know about it. */
export interface ProviderKind {
  /** How --provider and a configuration's `type` name it. */
  type: string;
  /** The protocol's name in messages ("a local OpenAI-compatible server"). */
  title: string;
  /** Variables read when the user sets nothing else. */
  env: { key: string; baseUrl: string };
  defaultModel: string;
  /** Local servers speaking the protocol ignore the key: with a base URL, none is needed. */
  keyOptionalWithBaseUrl: boolean;
  /** Whether the protocol can be asked to think first (--thinking). */
  thinking: boolean;
  create(options: ProviderOptions): Provider;
}

/** The built-in protocols: adding one is an adapter module plus one entry here. */
export const PROVIDER_KINDS: readonly ProviderKind[] = [
  {
    type: 'openai',
    title: 'OpenAI',
    env: { key: 'OPENAI_API_KEY', baseUrl: 'OPENAI_BASE_URL' },
    defaultModel: 'gpt-5',
    keyOptionalWithBaseUrl: true,
    thinking: false,
    create: (options) => new OpenAIProvider(options),
  },
  {
    type: 'anthropic',
    title: 'Anthropic',
    env: { key: 'ANTHROPIC_API_KEY', baseUrl: 'ANTHROPIC_BASE_URL' },
    defaultModel: 'claude-sonnet-5-5',
    keyOptionalWithBaseUrl: false,
    thinking: true,
    create: (options) => new AnthropicProvider(options),
  },
];

export function providerKind(type: string): ProviderKind | undefined {
  return PROVIDER_KINDS.find((kind) => kind.type === type);
}

export const providerTypes = (): string[] => PROVIDER_KINDS.map((kind) => kind.type);

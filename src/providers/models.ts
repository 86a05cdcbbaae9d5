/** Context window and output limits of models the harness knows, so budgets and compaction fit the model. */

export type ModelFamily = 'openai' | 'anthropic' | 'open';

export interface ModelInfo {
  id: string;
  family: ModelFamily;
  contextWindow: number;
  maxOutputTokens: number;
  /** False when the id is not in the registry and the conservative defaults apply. */
  known: boolean;
}

type Limits = Pick<ModelInfo, 'family' | 'contextWindow' | 'maxOutputTokens'>;

const openai = (contextWindow: number, maxOutputTokens: number): Limits => ({
  family: 'openai',
  contextWindow,
  maxOutputTokens,
});
const anthropic = (contextWindow: number, maxOutputTokens: number): Limits => ({
  family: 'anthropic',
  contextWindow,
  maxOutputTokens,
});
const open = (contextWindow: number, maxOutputTokens: number): Limits => ({
  family: 'open',
  contextWindow,
  maxOutputTokens,
});

/** Keys are id prefixes: dated snapshots ("gpt-4o-2024-08-06") and local tags ("qwen2.5-coder:7b") match their family; a new minor version ("gpt-5.9") does not, since its limits are unknown. */
const KNOWN: Record<string, Limits> = {
  'gpt-5': openai(400_000, 128_000),
  'gpt-5.1': openai(400_000, 128_000),
  'gpt-5.2': openai(400_000, 128_000),
  'gpt-5-chat': openai(128_000, 16_384),
  'gpt-4.1': openai(1_047_576, 32_768),
  'gpt-4o': openai(128_000, 16_384),
  o3: openai(200_000, 100_000),
  'o4-mini': openai(200_000, 100_000),
  'claude-fable-5': anthropic(1_000_000, 128_000),
  'claude-fable-5-1': anthropic(1_000_000, 128_000),
  'claude-opus-5': anthropic(1_000_000, 128_000),
  'claude-opus-5-5': anthropic(1_000_000, 128_000),
  'claude-sonnet-5': anthropic(1_000_000, 128_000),
  'claude-sonnet-5-5': anthropic(1_000_000, 128_000),
  'claude-opus-4-6': anthropic(1_000_000, 128_000),
  'claude-sonnet-4-6': anthropic(1_000_000, 128_000),
  'claude-opus-4-5': anthropic(200_000, 64_000),
  'claude-opus-4-1': anthropic(200_000, 32_000),
  'claude-opus-4-0': anthropic(200_000, 32_000),
  'claude-sonnet-4-5': anthropic(200_000, 64_000),
  'claude-sonnet-4-0': anthropic(200_000, 64_000),
  'claude-haiku-4-5': anthropic(200_000, 64_000),
  'claude-3-7-sonnet': anthropic(200_000, 64_000),
  'claude-3-5-haiku': anthropic(200_000, 8_192),
  'gpt-oss': open(131_072, 32_768),
  'qwen3-coder': open(262_144, 65_536),
  'qwen2.5-coder': open(32_768, 8_192),
  'llama3.1': open(131_072, 8_192),
  'llama3.3': open(131_072, 8_192),
  'deepseek-coder-v2': open(163_840, 8_192),
  'deepseek-chat': open(128_000, 8_192),
  devstral: open(131_072, 16_384),
};

export const UNKNOWN_MODEL_LIMITS = { contextWindow: 32_768, maxOutputTokens: 4_096 };

/** The longest key the id starts with, ignoring a "vendor/" prefix such as "openai/gpt-4o"; shared by every per-model table (limits, prices). */
export function longestModelKey(id: string, keys: Iterable<string>): string | undefined {
  const bare = id.slice(id.lastIndexOf('/') + 1).toLowerCase();
  return [...keys]
    .filter(
      (prefix) => bare === prefix || (/^[-:@]/.test(bare.slice(prefix.length)) && bare.startsWith(prefix)),
    )
    .sort((a, b) => b.length - a.length)[0];
}

function lookup(id: string): Limits | undefined {
  const key = longestModelKey(id, Object.keys(KNOWN));
  return key === undefined ? undefined : KNOWN[key];
}

export function modelInfo(
  id: string,
  overrides: Partial<Pick<ModelInfo, 'contextWindow' | 'maxOutputTokens'>> = {},
): ModelInfo {
  const limits = lookup(id);
  return {
    id,
    family: limits?.family ?? 'open',
    contextWindow: overrides.contextWindow ?? limits?.contextWindow ?? UNKNOWN_MODEL_LIMITS.contextWindow,
    maxOutputTokens:
      overrides.maxOutputTokens ?? limits?.maxOutputTokens ?? UNKNOWN_MODEL_LIMITS.maxOutputTokens,
    known: limits !== undefined,
  };
}

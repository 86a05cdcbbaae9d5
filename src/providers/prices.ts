import type { Usage } from '../core/usage.js';
import { longestModelKey } from './models.js';

/** US dollars per million tokens. Cached reads and cache writes are part of the input tokens, priced apart. */
export interface Price {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** The provider's minimum cacheable prompt: a shorter one is neither read from nor written to the cache. */
  cacheMinTokens?: number;
}

/** A price as the configuration gives it: cache prices default to the input price. */
export type PriceOverride = Pick<Price, 'input' | 'output'> & Partial<Price>;

const price = (
  input: number,
  output: number,
  cacheRead: number,
  cacheWrite = input,
  cacheMinTokens?: number,
): Price => ({
  input,
  output,
  cacheRead,
  cacheWrite,
  ...(cacheMinTokens !== undefined && { cacheMinTokens }),
});
/** Anthropic bills cache writes at 1.25 times the input price, reads at a tenth (Fable 5.1 and Opus 5.5 read for less). */
const anthropic = (input: number, output: number, cacheMinTokens?: number, cacheRead = input / 10): Price =>
  price(input, output, cacheRead, input * 1.25, cacheMinTokens);
/** OpenAI caches prompts of 1024 tokens and more by itself, and charges nothing extra to write them. */
const openai = (input: number, output: number, cacheRead: number): Price =>
  price(input, output, cacheRead, input, 1024);

/**
 * Published list prices of common models (keys are id prefixes, as in
 * models.ts). Anything else has an unknown cost rather than a guess, until the
 * configuration prices it (`models.<id>.price`).
 */
const PRICES: Record<string, Price> = {
  'claude-fable-5-1': anthropic(10, 50, 512, 0.25),
  'claude-fable-5': anthropic(10, 50, 512),
  'claude-opus-5-5': anthropic(4, 20, undefined, 0.2),
  'claude-opus-5': anthropic(5, 25, 512),
  'claude-sonnet-5-5': anthropic(2, 10),
  'claude-sonnet-5': anthropic(2, 10, 1024),
  'claude-opus-4-6': anthropic(5, 25, 4096),
  'claude-sonnet-4-6': anthropic(3, 15, 1024),
  'claude-opus-4-5': anthropic(5, 25, 4096),
  'claude-opus-4-1': anthropic(15, 75, 1024),
  'claude-opus-4-0': anthropic(15, 75, 1024),
  'claude-sonnet-4-5': anthropic(3, 15, 1024),
  'claude-sonnet-4-0': anthropic(3, 15, 1024),
  'claude-3-7-sonnet': anthropic(3, 15, 1024),
  'claude-haiku-4-5': anthropic(1, 5, 4096),
  'claude-3-5-haiku': anthropic(0.8, 4, 2048),
  'gpt-5.2': openai(1.75, 14, 0.175),
  'gpt-5.1': openai(1.25, 10, 0.125),
  'gpt-5': openai(1.25, 10, 0.125),
  'gpt-5-mini': openai(0.25, 2, 0.025),
  'gpt-5-nano': openai(0.05, 0.4, 0.005),
  'gpt-4.1': openai(2, 8, 0.5),
  'gpt-4.1-mini': openai(0.4, 1.6, 0.1),
  'gpt-4.1-nano': openai(0.1, 0.4, 0.025),
  'gpt-4o': openai(2.5, 10, 1.25),
  'gpt-4o-mini': openai(0.15, 0.6, 0.075),
  o3: openai(2, 8, 0.5),
  'o4-mini': openai(1.1, 4.4, 0.275),
};

/**
 * The model's price: the configuration's override (by the same prefix rule)
 * first, then the built-in table. An override keeps the built-in minimum
 * cacheable prompt, a fact of the provider rather than a price.
 */
export function priceOf(model: string, overrides: Record<string, PriceOverride> = {}): Price | undefined {
  const key = longestModelKey(model, Object.keys(PRICES));
  const builtIn = key === undefined ? undefined : PRICES[key];
  const own = longestModelKey(model, Object.keys(overrides));
  if (own === undefined) return builtIn;
  const override = overrides[own]!;
  return price(
    override.input,
    override.output,
    override.cacheRead ?? override.input,
    override.cacheWrite,
    builtIn?.cacheMinTokens,
  );
}

/** Dollars for one model call's usage. */
export function costOf(p: Price, usage: Usage): number {
  const uncached = usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens;
  return (
    (uncached * p.input +
      usage.cacheReadTokens * p.cacheRead +
      usage.cacheWriteTokens * p.cacheWrite +
      usage.outputTokens * p.output) /
    1_000_000
  );
}

/** A call as the router and the budget foresee it. */
export interface ExpectedCall {
  promptTokens: number;
  /** The part of the prompt the provider will read from its cache. */
  cachedTokens: number;
  /** Whether the rest is written to the cache (a cacheable prompt) or sent at the input price. */
  cacheable: boolean;
  outputTokens: number;
}

/** What a call will likely cost. */
export function expectedCost(p: Price, call: ExpectedCall): number {
  const fresh = call.promptTokens - call.cachedTokens;
  return (
    (call.cachedTokens * p.cacheRead +
      fresh * (call.cacheable ? p.cacheWrite : p.input) +
      call.outputTokens * p.output) /
    1_000_000
  );
}

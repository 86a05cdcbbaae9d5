import type { Usage } from '../core/usage.js';
import { longestModelKey } from './models.js';

/** US dollars per million tokens. Cached reads and cache writes are part of the input tokens, priced apart. */
export interface Price {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** A price as the configuration gives it: cache prices default to the input price. */
export type PriceOverride = Pick<Price, 'input' | 'output'> & Partial<Price>;

const price = (input: number, output: number, cacheRead: number, cacheWrite = input): Price => ({
  input,
  output,
  cacheRead,
  cacheWrite,
});

/**
 * Published list prices of common models (keys are id prefixes, as in
 * models.ts). Anything else has an unknown cost rather than a guess, until the
 * configuration prices it (`models.<id>.price`).
 */
const PRICES: Record<string, Price> = {
  'claude-opus-4-5': price(5, 25, 0.5, 6.25),
  'claude-opus-4-1': price(15, 75, 1.5, 18.75),
  'claude-opus-4-0': price(15, 75, 1.5, 18.75),
  'claude-sonnet-4-5': price(3, 15, 0.3, 3.75),
  'claude-sonnet-4-0': price(3, 15, 0.3, 3.75),
  'claude-3-7-sonnet': price(3, 15, 0.3, 3.75),
  'claude-haiku-4-5': price(1, 5, 0.1, 1.25),
  'claude-3-5-haiku': price(0.8, 4, 0.08, 1),
  'gpt-5': price(1.25, 10, 0.125),
  'gpt-5-mini': price(0.25, 2, 0.025),
  'gpt-5-nano': price(0.05, 0.4, 0.005),
  'gpt-4.1': price(2, 8, 0.5),
  'gpt-4.1-mini': price(0.4, 1.6, 0.1),
  'gpt-4.1-nano': price(0.1, 0.4, 0.025),
  'gpt-4o': price(2.5, 10, 1.25),
  'gpt-4o-mini': price(0.15, 0.6, 0.075),
  o3: price(2, 8, 0.5),
  'o4-mini': price(1.1, 4.4, 0.275),
};

/** The model's price: the configuration's override (by the same prefix rule) first, then the built-in table. */
export function priceOf(model: string, overrides: Record<string, PriceOverride> = {}): Price | undefined {
  const own = longestModelKey(model, Object.keys(overrides));
  if (own !== undefined) {
    const override = overrides[own]!;
    return price(override.input, override.output, override.cacheRead ?? override.input, override.cacheWrite);
  }
  const key = longestModelKey(model, Object.keys(PRICES));
  return key === undefined ? undefined : PRICES[key];
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

/**
 * What the next call will likely cost, from the size of its prompt: the part
 * the last call sent is priced as a cache read when that call read or wrote
 * the cache, the rest at the input price; the reply is priced at the average
 * output of the calls so far.
 */
export function estimateTurnCost(
  p: Price,
  promptTokens: number,
  expectedOutputTokens: number,
  previous?: Usage,
): number {
  const cachedBefore = previous && previous.cacheReadTokens + previous.cacheWriteTokens > 0;
  const cached = cachedBefore ? Math.min(previous.inputTokens, promptTokens) : 0;
  return (
    (cached * p.cacheRead + (promptTokens - cached) * p.input + expectedOutputTokens * p.output) / 1_000_000
  );
}

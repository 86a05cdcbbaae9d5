import type { UsageReport } from '../core/usage.js';
import { longestModelKey } from '../providers/models.js';

/** US dollars per million tokens. Cached reads and cache writes are part of input_tokens, priced apart. */
interface Price {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Published list prices of a few well-known models; anything else shows its cost as unknown rather than a guess. */
const PRICES: Record<string, Price> = {
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 1.25 },
  'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5, cacheWrite: 2 },
  'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: 2.5 },
  'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275, cacheWrite: 1.1 },
};

/** Dollars for one model call's usage, or undefined when the model's price is not known. */
export function costOf(model: string, usage: UsageReport): number | undefined {
  const key = longestModelKey(model, Object.keys(PRICES));
  const price = key === undefined ? undefined : PRICES[key];
  if (!price) return undefined;
  const uncached = usage.input_tokens - usage.cache_read_tokens - usage.cache_write_tokens;
  return (
    (uncached * price.input +
      usage.cache_read_tokens * price.cacheRead +
      usage.cache_write_tokens * price.cacheWrite +
      usage.output_tokens * price.output) /
    1_000_000
  );
}

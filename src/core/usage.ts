export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the provider's cache (already included in inputTokens). */
  cacheReadTokens: number;
  /** Prompt tokens written to the provider's cache (Anthropic only; included in inputTokens). */
  cacheWriteTokens: number;
}

export const emptyUsage = (): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}

/** Usage as it appears in the event stream and JSON output (snake_case, like the rest of the events). */
export interface UsageReport {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  /** US dollars, from the price table (src/providers/prices.ts); absent when a model's price is unknown. */
  cost_usd?: number;
}

export const toUsageReport = (u: Usage, costUsd?: number): UsageReport => ({
  input_tokens: u.inputTokens,
  output_tokens: u.outputTokens,
  cache_read_tokens: u.cacheReadTokens,
  cache_write_tokens: u.cacheWriteTokens,
  ...(costUsd !== undefined && { cost_usd: roundCost(costUsd) }),
});

/** Micro-dollars: finer than any price, coarse enough to hide floating-point noise in the output. */
const roundCost = (dollars: number): number => Math.round(dollars * 1e6) / 1e6;

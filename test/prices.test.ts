import { describe, expect, it } from 'vitest';
import { costOf, expectedCost, priceOf } from '../src/providers/prices.js';

const usage = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0) => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
});

describe('the price table', () => {
  it('prices common models by prefix, and a smaller sibling by its own price', () => {
    // Half the prompt from the cache: 0.5 M at $3 + 0.5 M at $0.30.
    expect(costOf(priceOf('claude-sonnet-4-5-20250929')!, usage(1_000_000, 0, 500_000))).toBeCloseTo(1.65);
    expect(priceOf('openai/gpt-5')).toMatchObject({ input: 1.25, output: 10 });
    expect(priceOf('gpt-5-mini')).toMatchObject({ input: 0.25, output: 2 });
    expect(priceOf('gpt-4o-mini-2024-07-18')).toMatchObject({ input: 0.15 });
    expect(priceOf('qwen3-coder:30b')).toBeUndefined();
  });

  it('lets the configuration price any model, overriding the built-in price; cache prices default to input', () => {
    const overrides = {
      'qwen3-coder': { input: 0.2, output: 0.6 },
      'gpt-5': { input: 1, output: 2, cacheRead: 0.1 },
    };
    expect(priceOf('qwen3-coder:30b', overrides)).toEqual({
      input: 0.2,
      output: 0.6,
      cacheRead: 0.2,
      cacheWrite: 0.2,
    });
    expect(costOf(priceOf('gpt-5', overrides)!, usage(2_000_000, 1_000_000, 1_000_000))).toBeCloseTo(
      1 + 0.1 + 2,
    );
  });

  it('prices an expected call: its cached part as reads, the rest as writes when cacheable, else at the input price', () => {
    const p = { input: 10, output: 20, cacheRead: 1, cacheWrite: 12.5 };
    const call = { promptTokens: 100_000, cachedTokens: 0, cacheable: false, outputTokens: 1_000 };
    expect(expectedCost(p, call)).toBeCloseTo(1 + 0.02);
    // 80k tokens cached by the last call: read now; the other 20k written.
    expect(expectedCost(p, { ...call, cachedTokens: 80_000, cacheable: true })).toBeCloseTo(
      0.08 + 0.25 + 0.02,
    );
  });

  it('knows each built-in model’s minimum cacheable prompt, and keeps it under a configured price', () => {
    expect(priceOf('claude-sonnet-4-5')).toMatchObject({ cacheWrite: 3.75, cacheMinTokens: 1024 });
    expect(priceOf('claude-haiku-4-5-20251001')).toMatchObject({ cacheRead: 0.1, cacheMinTokens: 4096 });
    expect(priceOf('gpt-5-mini')).toMatchObject({ cacheWrite: 0.25, cacheMinTokens: 1024 });
    expect(priceOf('claude-haiku-4-5', { 'claude-haiku': { input: 2, output: 4 } })).toMatchObject({
      input: 2,
      cacheMinTokens: 4096,
    });
  });
});

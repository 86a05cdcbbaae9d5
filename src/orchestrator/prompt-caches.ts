import type { Message } from '../core/messages.js';
import type { Usage } from '../core/usage.js';
import { expectedCost, type Price } from '../providers/prices.js';

/** A prompt as the session sends it; the tools never change within a session. */
export interface SentPrompt {
  system: string;
  messages: readonly Message[];
}

/** The prompt last sent to one model, and how much of it the provider keeps in its cache. */
interface LastPrompt {
  system: string;
  /** Its messages: the next prompt extends it when it starts with the same ones (compaction replaces them). */
  count: number;
  last: Message | undefined;
  /** Tokens in the cache after that call: what the next call to this model can read. */
  cachedTokens: number;
  at: number;
}

/** How long a provider keeps an unused prompt: five minutes at Anthropic, five to ten at OpenAI. */
const CACHE_LIFETIME_MS = 5 * 60_000;

/**
 * What each model has in the provider's prompt cache during a session, and so
 * what the next calls would cost on each. Every model has a cache of its own:
 * a call reads the prompt last sent to the same model, when the new prompt
 * extends it and the cache has not expired, and writes the rest. Whether a
 * model's prompts are cached at all is first assumed from its price (a cache
 * price, a minimum cacheable prompt), then taken from what the provider
 * reports: cached tokens confirm it; none where a read was due, or where a
 * provider that bills writes apart should have written, refute it.
 */
export class PromptCaches {
  private readonly sent = new Map<string, LastPrompt>();
  private readonly caching = new Map<string, boolean>();
  private lastPromptTokens = 0;
  private outputTokens = 0;
  private calls = 0;

  constructor(
    private readonly price: (model: string) => Price | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** After a call of the conversation: the prompt as sent and the usage the provider reported. */
  record(model: string, prompt: SentPrompt, usage: Usage): void {
    const due = this.cachedTokens(model, prompt);
    const cacheable = this.cacheable(model, usage.inputTokens);
    const reported = usage.cacheReadTokens + usage.cacheWriteTokens;
    const p = this.price(model);
    // Only a provider that bills writes apart (a write price above the input price) reports them.
    const writeDue = cacheable && p !== undefined && p.cacheWrite !== p.input;
    if (reported > 0) this.caching.set(model, true);
    else if (due > 0 || writeDue) this.caching.set(model, false);
    this.sent.set(model, {
      system: prompt.system,
      count: prompt.messages.length,
      last: prompt.messages.at(-1),
      cachedTokens: this.cacheable(model, usage.inputTokens) ? usage.inputTokens : 0,
      at: this.now(),
    });
    this.lastPromptTokens = usage.inputTokens;
    this.outputTokens += usage.outputTokens;
    this.calls++;
  }

  /**
   * Dollars of the next `steps` calls on the model, the first with this
   * prompt of `promptTokens`, each later one grown by as much as the prompt
   * grew since the last call and reading what the one before wrote; each
   * reply as long as the average so far. Undefined when the price is unknown.
   */
  cost(model: string, prompt: SentPrompt, promptTokens: number, steps = 1): number | undefined {
    const p = this.price(model);
    if (!p) return undefined;
    const growth = this.calls > 0 ? Math.max(0, promptTokens - this.lastPromptTokens) : 0;
    const outputTokens = this.calls > 0 ? this.outputTokens / this.calls : 0;
    let cachedTokens = this.cachedTokens(model, prompt);
    let total = 0;
    for (let step = 0, tokens = promptTokens; step < steps; step++, tokens += growth) {
      const cacheable = this.cacheable(model, tokens);
      total += expectedCost(p, {
        promptTokens: tokens,
        cachedTokens: cacheable ? Math.min(cachedTokens, tokens) : 0,
        cacheable,
        outputTokens,
      });
      cachedTokens = cacheable ? tokens : 0;
    }
    return total;
  }

  /** Tokens of this prompt the model's cache holds: the prompt last sent to it, if this one extends it and it has not expired. */
  private cachedTokens(model: string, prompt: SentPrompt): number {
    const last = this.sent.get(model);
    if (!last || this.now() - last.at > CACHE_LIFETIME_MS || last.system !== prompt.system) return 0;
    const extended = last.count <= prompt.messages.length && prompt.messages[last.count - 1] === last.last;
    return extended ? last.cachedTokens : 0;
  }

  /** Whether a prompt of this size would be cached on the model, as far as the session knows. */
  private cacheable(model: string, tokens: number): boolean {
    const known = this.caching.get(model);
    const p = this.price(model);
    // Before the provider says, a model without a cache price is taken not to cache.
    if (!p || known === false || (known === undefined && p.cacheRead >= p.input)) return false;
    return tokens >= (p.cacheMinTokens ?? 0);
  }
}

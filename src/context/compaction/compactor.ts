import type { Message } from '../../core/messages.js';
import { DEFAULT_TOOL_KINDS, turnStarts, type ToolKinds } from './conversation.js';
import { dedupeReads } from './dedupe-reads.js';
import { maskOldOutputs, type Rewrite } from './masking.js';
import { summarizeMiddle, type Summarize } from './summarize.js';
import { loadSummaryInstructions } from './summary-message.js';
import { countMessages, countPrompt, type PromptParts, type TokenCounter } from './token-counter.js';

export type { Summarize } from './summarize.js';

export interface CompactionState {
  system: string;
  messages: Message[];
  toolSpecsTokens?: number;
}

/**
 * Why compaction runs: the prompt crossed the threshold, the provider said it
 * is too long (our count was off, so go deeper), or the user asked (summarise
 * whatever can be summarised).
 */
export type CompactionReason = 'threshold' | 'context_length' | 'user';

export interface CompactOptions {
  reason: CompactionReason;
  summarize: Summarize;
}

export type CompactionStrategy = 'dedupe' | 'mask' | 'summary' | 'none';

export interface CompactionOutcome {
  messages: Message[];
  tokensBefore: number;
  tokensAfter: number;
  /** The strongest step that was needed. */
  strategy: CompactionStrategy;
  /**
   * Whether the compaction freed a meaningful share and brought the prompt under
   * the threshold. When false, compacting again would not help: stop with a
   * clear error instead of looping.
   */
  freedEnough: boolean;
}

export interface CompactorConfig {
  counter: TokenCounter;
  /** The model's context window in tokens. */
  window: number;
  /** Compact when the prompt reaches this share of the window. */
  thresholdRatio?: number;
  /** Compact down to this share of the window, so compactions stay rare and the prefix cache mostly hits. */
  targetRatio?: number;
  /** Most recent model turns left untouched (fewer when they alone would fill the target). */
  recentTurns?: number;
  kinds?: ToolKinds;
  /** Summarisation instructions; prompts/summary.md by default. */
  summaryInstructions?: string;
}

const STRENGTH: CompactionStrategy[] = ['none', 'dedupe', 'mask', 'summary'];
/** A compaction that frees less than this share of the prompt frees "almost nothing". */
const MIN_FREED_SHARE = 0.1;
/** The recent turns may take at most this share of the target; older ones beyond it are fair game. */
const RECENT_TURNS_SHARE = 0.5;

/**
 * Shrinks a conversation that outgrows the context window, cheapest and most
 * faithful step first: drop superseded file reads, mask old tool outputs
 * (keeping the calls and their failure lines), then have the model summarise
 * the middle. The system prompt, the task, the user's messages and the most
 * recent turns are never changed. Pure and deterministic: the same input gives
 * the same output, and nothing changes between compactions.
 */
export class Compactor {
  private readonly counter: TokenCounter;
  private readonly kinds: ToolKinds;
  private readonly recentTurns: number;
  readonly thresholdTokens: number;
  readonly targetTokens: number;

  constructor(private readonly config: CompactorConfig) {
    this.counter = config.counter;
    this.kinds = config.kinds ?? DEFAULT_TOOL_KINDS;
    this.recentTurns = config.recentTurns ?? 3;
    this.thresholdTokens = Math.floor(config.window * (config.thresholdRatio ?? 0.8));
    this.targetTokens = Math.floor(config.window * (config.targetRatio ?? 0.6));
  }

  count(state: PromptParts): number {
    return countPrompt(this.counter, state);
  }

  shouldCompact(state: PromptParts): boolean {
    return this.count(state) >= this.thresholdTokens;
  }

  async compact(state: CompactionState, options: CompactOptions): Promise<CompactionOutcome> {
    const tokensBefore = this.count(state);
    const fixed = tokensBefore - countMessages(this.counter, state.messages);
    const target = this.targetFor(options.reason, tokensBefore);
    let messages = state.messages;
    let strategy: CompactionStrategy = 'none';
    const excessOver = (limit: number) => fixed + countMessages(this.counter, messages) - limit;
    const excess = () => excessOver(target);
    const apply = (rewrite: Rewrite, step: CompactionStrategy) => {
      if (rewrite.freed <= 0) return;
      messages = rewrite.messages;
      if (STRENGTH.indexOf(step) > STRENGTH.indexOf(strategy)) strategy = step;
    };

    if (excess() > 0) apply(dedupeReads(messages, this.kinds.read, this.counter), 'dedupe');
    if (excess() > 0)
      apply(this.mask(messages, this.recentStart(messages, options.reason), excess()), 'mask');
    if (excess() > 0) {
      const instructions = this.config.summaryInstructions ?? (await loadSummaryInstructions());
      const middle = {
        messages,
        recentStart: this.recentStart(messages, options.reason),
        kinds: this.kinds,
        counter: this.counter,
      };
      apply(await summarizeMiddle(middle, options.summarize, instructions), 'summary');
    }
    // Still too big: the recent turns themselves are huge. Mask all but the last turn, and the last
    // turn too if the prompt would otherwise stay above the threshold and compaction would repeat.
    const recentTarget = options.reason === 'user' ? this.targetTokens : target;
    const lastTurn = turnStarts(messages).at(-1) ?? messages.length;
    if (excessOver(recentTarget) > 0) apply(this.mask(messages, lastTurn, excessOver(recentTarget)), 'mask');
    // After a provider rejection our threshold is known to be wrong, so the last turn yields down to the target too.
    const lastTurnLimit = options.reason === 'context_length' ? target : this.thresholdTokens;
    const overLimit = excessOver(lastTurnLimit);
    if (overLimit > 0) apply(this.mask(messages, messages.length, overLimit), 'mask');

    const tokensAfter = fixed + countMessages(this.counter, messages);
    const freed = tokensBefore - tokensAfter;
    return {
      messages,
      tokensBefore,
      tokensAfter,
      strategy,
      freedEnough: freed > 0 && freed >= tokensBefore * MIN_FREED_SHARE && tokensAfter < this.thresholdTokens,
    };
  }

  private targetFor(reason: CompactionReason, tokensBefore: number): number {
    if (reason === 'user') return 0;
    // The provider disagreed with our count, so it is off by an unknown amount: halve the prompt.
    if (reason === 'context_length') return Math.min(this.targetTokens, Math.floor(tokensBefore / 2));
    return this.targetTokens;
  }

  private mask(messages: Message[], end: number, tokensToFree: number): Rewrite {
    return maskOldOutputs(messages, { counter: this.counter, kinds: this.kinds, end, tokensToFree });
  }

  /**
   * Where the protected recent turns begin: the last few, fewer if they alone
   * would crowd the target. A user who asks for compaction wants it even in a
   * short session, so then only the latest turn is kept as it is.
   */
  private recentStart(messages: readonly Message[], reason: CompactionReason): number {
    const starts = turnStarts(messages);
    const budget = this.targetTokens * RECENT_TURNS_SHARE;
    let kept = Math.min(reason === 'user' ? 1 : this.recentTurns, starts.length);
    while (kept > 1 && countMessages(this.counter, messages.slice(starts[starts.length - kept])) > budget)
      kept--;
    return kept === 0 ? messages.length : starts[starts.length - kept]!;
  }
}

import type { Message } from '../core/messages.js';
import type { EventSink } from '../core/events.js';
import type { Compactor, CompactionReason, Summarize } from '../context/compaction/compactor.js';
import type { PromptParts, TokenCounter } from '../context/compaction/token-counter.js';
import type { ToolSpec } from '../providers/provider.js';

export interface PromptState {
  system: string;
  messages: Message[];
  /** Sent with every request, so they count against the window too. */
  tools: ToolSpec[];
}

/** The prompt is too long for the model and compaction cannot make it fit. */
export class ContextOverflowError extends Error {
  override name = 'ContextOverflowError';
}

/** Growth needed after an ineffective compaction before trying again, so it is never repeated for nothing. */
const RETRY_GROWTH = 1.1;

/**
 * Keeps the prompt inside the model's window: compacts at the threshold, on
 * the provider's "too long" answer, and on the user's request, and reports each
 * compaction in the event stream. Between compactions it changes nothing, so
 * the prompt prefix stays byte-stable for provider caches.
 */
export class ContextKeeper {
  private ineffectiveAt = 0;
  private userRequested = false;

  constructor(
    private readonly compactor: Compactor,
    private readonly counter: TokenCounter,
    private readonly summarize: Summarize,
    private readonly emit: EventSink,
  ) {}

  /** Ask for a compaction before the next model call (the user's /compact while a turn runs). */
  requestCompaction(): void {
    this.userRequested = true;
  }

  /** The user's /compact between turns: compacts at once, and says so when there was nothing to free. */
  async compactNow(state: PromptState): Promise<Message[]> {
    this.userRequested = false;
    const outcome = await this.compact(state, 'user');
    if (outcome.strategy === 'none')
      this.emit({ type: 'notice', message: 'nothing to compact: the conversation is as short as it gets' });
    return outcome.messages;
  }

  count(state: PromptState): number {
    return this.compactor.count(this.parts(state));
  }

  /** Feeds the provider's own count back, so estimates for later turns are corrected. */
  calibrate(estimated: number, actualInputTokens: number): void {
    if (actualInputTokens > 0) this.counter.calibrate(estimated, actualInputTokens);
  }

  /** Called before every model call; returns the messages to send. */
  async beforeTurn(state: PromptState): Promise<Message[]> {
    if (this.userRequested) {
      this.userRequested = false;
      return (await this.compact(state, 'user')).messages;
    }
    const tokens = this.count(state);
    if (tokens < this.compactor.thresholdTokens || tokens < this.ineffectiveAt * RETRY_GROWTH)
      return state.messages;
    const outcome = await this.compact(state, 'threshold');
    if (!outcome.freedEnough) this.ineffectiveAt = outcome.tokensAfter;
    return outcome.messages;
  }

  /** Called when the provider rejected the prompt as too long. Throws when nothing more can be freed. */
  async afterOverflow(state: PromptState): Promise<Message[]> {
    const outcome = await this.compact(state, 'context_length');
    if (!outcome.freedEnough && outcome.tokensAfter >= outcome.tokensBefore * 0.9) {
      throw new ContextOverflowError(
        `The prompt (about ${outcome.tokensBefore} tokens) is too long for the model's context window and compaction ` +
          `could not shrink it further. Use a model with a larger window (--context-window for unknown models), or a narrower task.`,
      );
    }
    return outcome.messages;
  }

  private async compact(state: PromptState, reason: CompactionReason) {
    const outcome = await this.compactor.compact(this.parts(state), { reason, summarize: this.summarize });
    if (outcome.strategy !== 'none') {
      this.emit({
        type: 'compaction',
        tokens_before: outcome.tokensBefore,
        tokens_after: outcome.tokensAfter,
        strategy: outcome.strategy,
      });
    }
    return outcome;
  }

  /** The prompt as the compactor measures it, tool definitions counted by the same counter as the rest. */
  private parts(state: PromptState): PromptParts & { messages: Message[] } {
    return {
      system: state.system,
      messages: state.messages,
      toolSpecsTokens: this.counter.count(JSON.stringify(state.tools)),
    };
  }
}

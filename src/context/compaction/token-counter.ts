import type { Message } from '../../core/messages.js';
import { modelInfo } from '../../providers/models.js';

/** Counts prompt tokens the way one provider's model will. */
export interface TokenCounter {
  /** True when counts come from the model's own tokenizer rather than an estimate. */
  readonly exact: boolean;
  count(text: string): number;
  /**
   * Feeds back what the provider reported for a prompt this counter measured at
   * `estimated` tokens, so later estimates are scaled by the observed ratio.
   * Exact counters ignore it.
   */
  calibrate(estimated: number, actualInputTokens: number): void;
}

export interface PromptParts {
  system: string;
  messages: readonly Message[];
  /** Tokens of the tool definitions sent with every request (measured by the caller). */
  toolSpecsTokens?: number;
}

/** Role markers and separators each message costs on top of its text (OpenAI documents 3-4). */
const MESSAGE_OVERHEAD = 4;
/** Id, name and JSON framing of one tool call. */
const TOOL_CALL_OVERHEAD = 8;

const messageTokens = new WeakMap<TokenCounter, WeakMap<Message, number>>();

/** Tokens of one message; memoised per counter, since messages are never mutated. */
export function countMessage(counter: TokenCounter, message: Message): number {
  let cache = messageTokens.get(counter);
  if (!cache) {
    cache = new WeakMap();
    messageTokens.set(counter, cache);
  }
  const cached = cache.get(message);
  if (cached !== undefined) return cached;
  let tokens = MESSAGE_OVERHEAD + counter.count(message.content);
  if (message.role === 'assistant') {
    for (const call of message.toolCalls) {
      tokens += TOOL_CALL_OVERHEAD + counter.count(call.name) + counter.count(call.arguments);
    }
  }
  cache.set(message, tokens);
  return tokens;
}

export function countMessages(counter: TokenCounter, messages: readonly Message[]): number {
  let total = 0;
  for (const message of messages) total += countMessage(counter, message);
  return total;
}

/** The whole prompt: system prompt, tool definitions and conversation. */
export function countPrompt(counter: TokenCounter, prompt: PromptParts): number {
  return (
    counter.count(prompt.system) + (prompt.toolSpecsTokens ?? 0) + countMessages(counter, prompt.messages)
  );
}

/** Plain ASCII text (English, code) averages a little over 3 characters per token across current tokenizers; erring low keeps prompts under the window. */
const ASCII_CHARS_PER_TOKEN = 3.2;
/** Scale factors outside this range mean the measurement was wrong, not the estimate. */
const MIN_SCALE = 0.5;
const MAX_SCALE = 3;

/** A character-based estimate, corrected by what the provider reports. */
export class EstimatingTokenCounter implements TokenCounter {
  readonly exact = false;
  private scale = 1;

  count(text: string): number {
    let ascii = 0;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 128) ascii++;
    // Non-ASCII text (CJK, emoji, accents) costs about a token per character.
    const raw = ascii / ASCII_CHARS_PER_TOKEN + (text.length - ascii);
    return Math.ceil(raw * this.scale);
  }

  calibrate(estimated: number, actualInputTokens: number): void {
    if (estimated <= 0 || actualInputTokens <= 0) return;
    this.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, (this.scale * actualInputTokens) / estimated));
  }
}

type Encoder = (text: string, options: { disallowedSpecial: Set<string> }) => number;

/** OpenAI's own byte-pair encoding, so counts match what the API bills. */
class BpeTokenCounter implements TokenCounter {
  readonly exact = true;
  // Text such as "<|endoftext|>" in a file is ordinary text to the API, not a control token.
  private readonly options = { disallowedSpecial: new Set<string>() };

  constructor(private readonly encode: Encoder) {}

  count(text: string): number {
    return this.encode(text, this.options);
  }

  calibrate(): void {}
}

/**
 * Estimates until OpenAI's tokenizer has loaded, then counts exactly. Loading
 * it blocks the main thread for a hundred milliseconds or more, so it starts a
 * moment after the first count (the first model call), once that request has
 * left: then the model is thinking and nothing waits for the thread. Neither
 * the interactive prompt nor the first request waits for it, and the first
 * turns are small, so an estimate serves them well.
 */
/** Time for the first request to be built and sent after its prompt was counted. */
const LOAD_AFTER_FIRST_COUNT_MS = 400;

class LoadingBpeTokenCounter implements TokenCounter {
  private readonly estimate = new EstimatingTokenCounter();
  private bpe: BpeTokenCounter | undefined;
  private loading: Promise<void> | undefined;
  private scheduled = false;

  /** Loads the tokenizer (once); resolves when counts are exact. */
  load(): Promise<void> {
    this.loading ??= import('gpt-tokenizer/encoding/o200k_base').then(({ countTokens }) => {
      this.bpe = new BpeTokenCounter(countTokens);
      // Counts memoised from the estimate would now disagree with new, exact ones.
      messageTokens.delete(this);
    });
    return this.loading;
  }

  get exact(): boolean {
    return this.bpe !== undefined;
  }

  count(text: string): number {
    if (!this.scheduled) {
      this.scheduled = true;
      // Without the tokenizer the estimate goes on serving; only createTokenCounter reports the failure.
      setTimeout(() => void this.load().catch(() => undefined), LOAD_AFTER_FIRST_COUNT_MS).unref();
    }
    return (this.bpe ?? this.estimate).count(text);
  }

  calibrate(estimated: number, actualInputTokens: number): void {
    if (!this.bpe) this.estimate.calibrate(estimated, actualInputTokens);
  }
}

/**
 * The best counter for a model, available at once: exact for OpenAI's models
 * in the registry (all use o200k_base) once the tokenizer has loaded (it starts
 * loading shortly after the first count), a calibrated estimate for everyone else — including models
 * behind OpenAI-compatible endpoints.
 */
export function startTokenCounter(model: string): TokenCounter {
  return modelInfo(model).family === 'openai' ? new LoadingBpeTokenCounter() : new EstimatingTokenCounter();
}

/** Like startTokenCounter, but resolves once counts are as exact as they will get. */
export async function createTokenCounter(model: string): Promise<TokenCounter> {
  const counter = startTokenCounter(model);
  if (counter instanceof LoadingBpeTokenCounter) await counter.load();
  return counter;
}

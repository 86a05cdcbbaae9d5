import type { Usage } from '../../src/core/usage.js';
import { estimateTokens } from './chunking.js';
import type { ReceivedTurn } from './types.js';

/** Anthropic's documented minimum cacheable prompt of the models tests and the bench bill with caching. */
const MIN_CACHEABLE: Record<string, number> = { 'claude-sonnet-4-5': 1024, 'claude-haiku-4-5': 4096 };

/**
 * Prompt caching as Anthropic bills it for agent's breakpoints (system, tools
 * and the last message), as usage for each reply: each model has its own
 * cache, so a call reads the prompt last sent to the same model when this one
 * extends it, and writes the rest; a prompt under the model's minimum does
 * neither. Switching models therefore pays for the whole prompt again.
 */
export function anthropicPromptCache(): (turn: ReceivedTurn) => Partial<Usage> {
  const cached = new Map<string, { tokens: number; system: string; messages: string[] }>();
  return (turn) => {
    const inputTokens = estimateTokens(JSON.stringify(turn.body));
    if (inputTokens < (MIN_CACHEABLE[turn.model] ?? Infinity)) return { inputTokens };
    const messages = turn.messages.map((m) => JSON.stringify(m));
    const last = cached.get(turn.model);
    const extended =
      last !== undefined &&
      last.system === turn.system &&
      last.messages.every((message, i) => messages[i] === message);
    const cacheReadTokens = extended ? last.tokens : 0;
    cached.set(turn.model, { tokens: inputTokens, system: turn.system, messages });
    return { inputTokens, cacheReadTokens, cacheWriteTokens: inputTokens - cacheReadTokens };
  };
}

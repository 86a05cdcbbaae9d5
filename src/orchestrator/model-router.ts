import type { Message } from '../core/messages.js';

export interface ModelChoice {
  /** The strong model: planning, fixing, anything after a failure. */
  main: string;
  /** Optional cheaper, faster model for routine steps. */
  fast?: string;
}

/**
 * Picks the model for the next step. The strong model plans (first turn, any
 * turn after the user spoke) and recovers (any turn after a failed tool call);
 * the fast model, when configured, takes the steps in between, where the model
 * only digests successful results of its own calls.
 */
export function pickModel(choice: ModelChoice, history: Message[]): string {
  if (!choice.fast) return choice.main;
  const last = history.at(-1);
  if (!last || last.role !== 'tool') return choice.main;
  const lastResults: Message[] = [];
  for (let i = history.length - 1; i >= 0 && history[i]!.role === 'tool'; i--) lastResults.push(history[i]!);
  return lastResults.some((m) => m.role === 'tool' && m.isError) ? choice.main : choice.fast;
}

import { debugLog } from '../core/debug-log.js';
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
 * only digests successful results of its own calls. A model that thought with
 * signed reasoning keeps the turn until its tool calls are answered, since only
 * it can accept that reasoning back. The choice and its reason go to the debug log.
 */
export function pickModel(choice: ModelChoice, history: Message[]): string {
  const { model, reason } = route(choice, history);
  debugLog.record({ type: 'route', model, reason });
  return model;
}

function route(choice: ModelChoice, history: Message[]): { model: string; reason: string } {
  if (!choice.fast) return { model: choice.main, reason: 'no fast model configured' };
  const last = history.at(-1);
  if (!last || last.role !== 'tool') return { model: choice.main, reason: 'plans: the user spoke' };
  // A tool-use cycle that began with signed thinking must be continued by the model that signed it.
  const thinker = history.findLast((m) => m.role === 'assistant')?.reasoning?.[0]?.model;
  if (thinker === choice.main || thinker === choice.fast)
    return { model: thinker, reason: 'continues its own signed reasoning' };
  const lastResults: Message[] = [];
  for (let i = history.length - 1; i >= 0 && history[i]!.role === 'tool'; i--) lastResults.push(history[i]!);
  return lastResults.some((m) => m.role === 'tool' && m.isError)
    ? { model: choice.main, reason: 'recovers: a tool call failed' }
    : { model: choice.fast, reason: 'routine: digests successful tool results' };
}

import { debugLog } from '../core/debug-log.js';
import type { RouteReason } from '../core/events.js';
import type { Message } from '../core/messages.js';

export interface ModelChoice {
  /** The strong model: planning, fixing, anything after a failure. */
  main: string;
  /** Optional cheaper, faster model for routine steps and compaction summaries. */
  fast?: string;
  /** The fast model's context window: a prompt larger than this goes to the main model. */
  fastContextWindow?: number;
}

export interface Route {
  model: string;
  reason: RouteReason;
}

/** Of the last few tool batches, this many failing ones mean the work is stuck: the strong model keeps it. */
const ESCALATION_FAILURES = 2;
const ESCALATION_WINDOW = 3;

/**
 * Picks the model for the next step. The strong model plans (first turn, any
 * turn after the user spoke) and recovers (any turn after a failed tool call);
 * after repeated failures it keeps the steps until the recent batches succeed
 * again. The fast model, when configured, takes the routine steps in between,
 * as long as the prompt fits its window. A model that thought with signed
 * reasoning keeps the turn until its tool calls are answered, since only it can
 * accept that reasoning back. The choice and its reason go to the debug log.
 */
export function pickModel(choice: ModelChoice, history: Message[], promptTokens = 0): Route {
  const picked = route(choice, history, promptTokens);
  debugLog.record({ type: 'route', model: picked.model, reason: picked.reason });
  return picked;
}

/** Compaction summaries go to the fast model, unless the transcript is too large for it. */
export function pickSummaryModel(choice: ModelChoice, promptTokens: number): Route {
  const picked: Route = !choice.fast
    ? { model: choice.main, reason: 'summary' }
    : choice.fastContextWindow !== undefined && promptTokens > choice.fastContextWindow
      ? { model: choice.main, reason: 'context_too_large' }
      : { model: choice.fast, reason: 'summary' };
  debugLog.record({ type: 'route', model: picked.model, reason: picked.reason });
  return picked;
}

function route(choice: ModelChoice, history: Message[], promptTokens: number): Route {
  const last = history.at(-1);
  if (!last || last.role !== 'tool') {
    const started = history.some((m) => m.role === 'assistant');
    return { model: choice.main, reason: started ? 'user_spoke' : 'first_turn' };
  }
  // A tool-use cycle that began with signed thinking must be continued by the model that signed it.
  const thinker = history.findLast((m) => m.role === 'assistant')?.reasoning?.[0]?.model;
  if (choice.fast && (thinker === choice.main || thinker === choice.fast))
    return { model: thinker, reason: 'own_reasoning' };
  const batches = recentBatches(history, ESCALATION_WINDOW);
  if (batches[0]) return { model: choice.main, reason: 'after_failure' };
  if (batches.filter(Boolean).length >= ESCALATION_FAILURES)
    return { model: choice.main, reason: 'repeated_failures' };
  if (choice.fast && choice.fastContextWindow !== undefined && promptTokens > choice.fastContextWindow)
    return { model: choice.main, reason: 'context_too_large' };
  return { model: choice.fast ?? choice.main, reason: 'routine' };
}

/**
 * Whether each of the latest tool batches (the results of one assistant turn)
 * had a failure, newest first, since the user last spoke.
 */
function recentBatches(history: Message[], count: number): boolean[] {
  const failed: boolean[] = [];
  let i = history.length - 1;
  while (failed.length < count && i >= 0 && history[i]!.role === 'tool') {
    let failure = false;
    for (; i >= 0 && history[i]!.role === 'tool'; i--) {
      const message = history[i]!;
      if (message.role === 'tool' && message.isError) failure = true;
    }
    failed.push(failure);
    // Past the assistant turn that made the calls, to the batch before it.
    if (history[i]?.role === 'assistant') i--;
  }
  return failed;
}

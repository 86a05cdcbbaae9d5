import { debugLog } from '../core/debug-log.js';
import type { RouteReason } from '../core/events.js';
import type { Message } from '../core/messages.js';
import type { ToolKind } from '../../tools/tool.js';

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

/** What kind of tool a call went to (the registry knows); undefined for a tool it does not know. */
export type ToolKindOf = (tool: string) => ToolKind | undefined;

/** Dollars the next `steps` calls would likely cost on the model (see prompt-caches.ts); undefined when unpriced. */
export type StepCosts = (model: string, steps: number) => number | undefined;

/** Of the last few tool batches, this many failing ones mean the work is stuck: the strong model keeps it. */
const ESCALATION_FAILURES = 2;
const ESCALATION_WINDOW = 3;

/**
 * How a batch of tool results went. A failed read or edit is a tool error: the
 * tool says what was wrong with the call (a missing file, an edit that missed,
 * with the closest region), which a fast model can act on. A failed command
 * (a test, a build) is evidence about the code that has to be understood.
 */
type BatchOutcome = 'ok' | 'tool_error' | 'failed';

/**
 * Picks the model for the next step. The strong model plans (first turn, any
 * turn after the user spoke) and recovers (any turn after a failed command);
 * a tool error gets one retry on the fast model first. After repeated failures
 * the strong model keeps the steps until the recent batches succeed again. The
 * fast model, when configured, takes the routine steps in between, as long as
 * the prompt fits its window. A model that thought with signed reasoning keeps
 * the turn until its tool calls are answered, since only it can accept that
 * reasoning back.
 *
 * Cost then decides among the steps quality leaves to the fast model (routine
 * steps, a tool error's retry): one goes to the fast model only if that is
 * expected to be cheaper. A main model with a warm prompt cache can be: the
 * fast one would pay for the whole prompt again. Since a switch pays once and
 * saves on every later step, both models are compared over as many steps as
 * the run of routine steps has lasted so far (a run that has lasted k steps
 * is, at a guess, halfway through). That damps switching: a short run stays
 * where the cache is warm, a long one moves and stays on the fast model while
 * it is cheaper, and a strong step for a failure leaves the fast model's cache
 * usable for the steps after it. The choice and its reason go to the debug log.
 */
export function pickModel(
  choice: ModelChoice,
  history: Message[],
  promptTokens = 0,
  kindOf: ToolKindOf = () => undefined,
  costs?: StepCosts,
): Route {
  const picked = withCost(choice, history, route(choice, history, promptTokens, kindOf), kindOf, costs);
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

function route(choice: ModelChoice, history: Message[], promptTokens: number, kindOf: ToolKindOf): Route {
  const last = history.at(-1);
  if (!last || last.role !== 'tool') {
    const started = history.some((m) => m.role === 'assistant');
    return { model: choice.main, reason: started ? 'user_spoke' : 'first_turn' };
  }
  // A tool-use cycle that began with signed thinking must be continued by the model that signed it.
  const thinker = history.findLast((m) => m.role === 'assistant')?.reasoning?.[0]?.model;
  if (choice.fast && (thinker === choice.main || thinker === choice.fast))
    return { model: thinker, reason: 'own_reasoning' };
  const batches = recentBatches(history, ESCALATION_WINDOW, kindOf);
  const failures = batches.filter((outcome) => outcome !== 'ok').length;
  // The first tool error in a while is retried cheaply; a second one within the window escalates.
  const retry = choice.fast !== undefined && batches[0] === 'tool_error' && failures === 1;
  if (batches[0] !== 'ok' && !retry) return { model: choice.main, reason: 'after_failure' };
  if (failures >= ESCALATION_FAILURES) return { model: choice.main, reason: 'repeated_failures' };
  if (choice.fast && choice.fastContextWindow !== undefined && promptTokens > choice.fastContextWindow)
    return { model: choice.main, reason: 'context_too_large' };
  return { model: choice.fast ?? choice.main, reason: retry ? 'tool_error' : 'routine' };
}

/** Keeps a step quality gave to the fast model on the main one when the fast one is expected to cost more. */
function withCost(
  choice: ModelChoice,
  history: Message[],
  picked: Route,
  kindOf: ToolKindOf,
  costs: StepCosts | undefined,
): Route {
  const leftToCost = picked.reason === 'routine' || picked.reason === 'tool_error';
  if (!costs || !choice.fast || picked.model !== choice.fast || !leftToCost) return picked;
  const batches = recentBatches(history, Infinity, kindOf);
  const firstMiss = batches.findIndex((outcome) => outcome !== 'ok');
  const run = Math.max(1, firstMiss === -1 ? batches.length : firstMiss);
  const fast = costs(choice.fast, run);
  const main = costs(choice.main, run);
  return fast !== undefined && main !== undefined && main < fast
    ? { model: choice.main, reason: 'cache_warm' }
    : picked;
}

/** How each of the latest tool batches (the results of one assistant turn) went, newest first, since the user last spoke. */
function recentBatches(history: Message[], count: number, kindOf: ToolKindOf): BatchOutcome[] {
  const outcomes: BatchOutcome[] = [];
  let i = history.length - 1;
  while (outcomes.length < count && i >= 0 && history[i]!.role === 'tool') {
    let outcome: BatchOutcome = 'ok';
    for (; i >= 0 && history[i]!.role === 'tool'; i--) {
      const message = history[i]!;
      if (message.role !== 'tool' || !message.isError || outcome === 'failed') continue;
      const kind = kindOf(message.name);
      outcome = kind === 'read' || kind === 'edit' ? 'tool_error' : 'failed';
    }
    outcomes.push(outcome);
    // Past the assistant turn that made the calls, to the batch before it.
    if (history[i]?.role === 'assistant') i--;
  }
  return outcomes;
}

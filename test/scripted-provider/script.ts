import type { ToolResultMessage } from '../../src/core/messages.js';
import type { ReceivedTurn, Script, ScriptedReply } from './types.js';

/** A fixed reply, or a function of the request for replies that depend on it. */
export type ScriptStep = ScriptedReply | Script;

/** Answers requests with the given steps in order; a request beyond the last one is answered with an error. */
export function scriptSequence(...steps: ScriptStep[]): Script {
  const queue = [...steps];
  return (turn) => {
    const step = queue.shift();
    if (step === undefined) throw new Error(`script exhausted: no reply left for request #${turn.index}`);
    return typeof step === 'function' ? step(turn) : step;
  };
}

export function lastToolResult(turn: ReceivedTurn): ToolResultMessage | undefined {
  return turn.messages.findLast((message) => message.role === 'tool');
}

export function lastUserText(turn: ReceivedTurn): string | undefined {
  return turn.messages.findLast((message) => message.role === 'user')?.content;
}

/** Compaction asks the same model for a summary without offering tools; the agent's own turns always offer them. */
export const isSummaryRequest = (turn: ReceivedTurn): boolean => turn.tools.length === 0;

/** The agent's own requests, without compaction's summary requests. */
export const agentTurns = (requests: readonly ReceivedTurn[]): ReceivedTurn[] =>
  requests.filter((turn) => !isSummaryRequest(turn));

/** Answers summary requests as a model would (with `summary`), and every other request with the script. */
export const withSummaries =
  (
    script: Script,
    summary = '## Task\nFix the failing test.\n## Remaining\nFix add in src/math.js.',
  ): Script =>
  (turn) =>
    isSummaryRequest(turn) ? { text: summary } : script(turn);

/** A reply that calls one tool (arguments as text: sent as they are, malformed or not). */
export const toolCall = (name: string, args: Record<string, unknown> | string): ScriptedReply => ({
  toolCalls: [{ name, arguments: args }],
});

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

import type { Script } from '../test/scripted-provider/types.js';

/** Turns per session in the overhead benchmark: the length of an ordinary fix-the-tests session. */
export const SESSION_TURNS = 30;

/** A zero-latency "model" that reads a small file every turn, then stops. */
const readLoop: Script = (turn) => {
  const turns = turn.messages.filter((m) => m.role === 'assistant').length;
  if (turns + 1 >= SESSION_TURNS) return { text: 'done' };
  return { toolCalls: [{ name: 'read', arguments: { path: 'a.txt', offset: (turns % 5) + 1 } }] };
};

export default readLoop;

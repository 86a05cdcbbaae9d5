import type { ReceivedTurn, ScriptedReply } from '../scripted-provider/types.js';
import { lastToolResult } from '../scripted-provider/script.js';

/**
 * A scripted "model" that fixes failingAddProject the way a good agent would:
 * run the tests, search, read, edit, re-run the tests, report. Each reply is
 * decided from the conversation it receives, so retries and reordering are
 * handled like a real model would handle them.
 */
export function fixerScript(turn: ReceivedTurn): ScriptedReply {
  const last = lastToolResult(turn);
  const call = (name: string, args: Record<string, unknown>, text = ''): ScriptedReply => ({
    text,
    toolCalls: [{ name, arguments: args }],
  });
  if (!last) return call('terminal', { command: 'npm test' }, 'Let me run the tests first.');
  switch (last.name) {
    case 'terminal':
      if (/all tests passed/.test(last.content) && editsMade(turn) > 0) {
        return {
          text: 'Fixed `add` in src/math.js: it subtracted instead of adding. `npm test` passes now.',
        };
      }
      return call('search', { query: 'function add' });
    case 'search':
      return call('read', { path: 'src/math.js' });
    case 'read':
      return call('edit', {
        path: 'src/math.js',
        old_string: '  return a - b;',
        new_string: '  return a + b;',
      });
    case 'edit':
      return call('terminal', { command: 'npm test' });
    default:
      return { text: `unexpected tool result from ${last.name}` };
  }
}

const editsMade = (turn: ReceivedTurn): number =>
  turn.messages.filter((m) => m.role === 'tool' && m.name === 'edit' && !m.isError).length;

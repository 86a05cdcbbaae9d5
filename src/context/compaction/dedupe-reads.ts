import type { Message } from '../../core/messages.js';
import { callsById, parseArguments } from './conversation.js';
import { countMessage, type TokenCounter } from './token-counter.js';
import type { Rewrite } from './masking.js';

const SUPERSEDED = (file: string) => `[earlier read of \`${file}\`: superseded by a later read below]`;

/**
 * Keeps only the newest read of each file and range: an older read with the
 * same arguments becomes a stub. Nothing is lost, since the newer content is
 * still there. Reads of other ranges stay, since they show other lines.
 */
export function dedupeReads(
  messages: readonly Message[],
  readTools: readonly string[],
  counter: TokenCounter,
): Rewrite {
  const calls = callsById(messages);
  const result = [...messages];
  const newerReads = new Set<string>();
  let freed = 0;
  for (let index = result.length - 1; index >= 0; index--) {
    const message = result[index]!;
    if (message.role !== 'tool' || message.isError || !readTools.includes(message.name)) continue;
    const call = calls.get(message.toolCallId);
    if (!call) continue;
    const { path: file, ...range } = parseArguments(call);
    if (typeof file !== 'string') continue;
    const key = JSON.stringify([file, Object.entries(range).sort()]);
    if (!newerReads.has(key)) {
      newerReads.add(key);
      continue;
    }
    const stub = { ...message, content: SUPERSEDED(file) };
    const saving = countMessage(counter, message) - countMessage(counter, stub);
    if (saving <= 0) continue;
    result[index] = stub;
    freed += saving;
  }
  return { messages: result, freed };
}

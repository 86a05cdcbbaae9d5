import type { Message } from '../../core/messages.js';
import {
  callsById,
  describeCall,
  filesTouched,
  isSummary,
  isUserWritten,
  type ToolKinds,
} from './conversation.js';
import { failureSignal } from './masking.js';
import type { Rewrite } from './masking.js';
import {
  parseCarriedFacts,
  summaryMessageText,
  type CarriedFacts,
  type CommandFailures,
} from './summary-message.js';
import { countMessages, type TokenCounter } from './token-counter.js';

/** Asks the model to summarise the given turns following the instructions; returns its text. */
export type Summarize = (messagesToSummarize: Message[], instructions: string) => Promise<string>;

export interface Middle {
  messages: readonly Message[];
  /** Start of the recent turns, which stay as they are. */
  recentStart: number;
  kinds: ToolKinds;
  counter: TokenCounter;
}

/** Commands whose failures are carried across compactions; the most recently run win. */
const CARRIED_COMMANDS = 8;

/**
 * Replaces the turns between the task and the recent turns with one summary
 * message. The user's own messages from that stretch stay, verbatim and in
 * order, right after it; the recent turns start with a model turn, so every
 * tool call keeps its result.
 */
export async function summarizeMiddle(
  middle: Middle,
  summarize: Summarize,
  instructions: string,
): Promise<Rewrite> {
  const { messages, recentStart } = middle;
  const head = messages[0] && isUserWritten(messages[0]) ? 1 : 0;
  const summarised = messages.slice(head, recentStart);
  if (!summarised.some((message) => message.role === 'assistant'))
    return { messages: [...messages], freed: 0 };

  const facts = carriedFacts(summarised, middle.kinds);
  const modelSummary = await summarize(summarised, instructions).catch(
    (error: unknown) =>
      `(The model's summary is unavailable: ${error instanceof Error ? error.message : String(error)}. The facts below were kept by the harness.)`,
  );
  const summary: Message = { role: 'user', content: summaryMessageText(modelSummary, facts) };
  const kept = [
    ...messages.slice(0, head),
    summary,
    ...summarised.filter(isUserWritten),
    ...messages.slice(recentStart),
  ];
  return {
    messages: kept,
    freed: countMessages(middle.counter, messages) - countMessages(middle.counter, kept),
  };
}

/** Earlier summaries' facts merged with what the summarised turns read, edited and saw fail. */
function carriedFacts(summarised: readonly Message[], kinds: ToolKinds): CarriedFacts {
  const earlier = summarised.filter(isSummary).map((message) => parseCarriedFacts(message.content));
  return {
    filesRead: distinct([
      ...earlier.flatMap((facts) => facts.filesRead),
      ...filesTouched(summarised, kinds.read),
    ]),
    filesEdited: distinct([
      ...earlier.flatMap((facts) => facts.filesEdited),
      ...filesTouched(summarised, kinds.edit),
    ]),
    failures: latestFailures(
      earlier.flatMap((facts) => facts.failures),
      summarised,
      kinds,
    ),
  };
}

/**
 * The failure lines of each command's latest run. A later run of the same
 * command replaces the earlier one, so a test that was fixed drops out, and
 * noisy commands cannot push a failing test out of the summary.
 */
function latestFailures(
  earlier: CommandFailures[],
  summarised: readonly Message[],
  kinds: ToolKinds,
): CommandFailures[] {
  const latest = new Map(earlier.map(({ source, lines }) => [source, lines]));
  const calls = callsById(summarised);
  for (const message of summarised) {
    if (message.role !== 'tool') continue;
    const source = describeCall(calls.get(message.toolCallId), message.name);
    latest.delete(source);
    const lines = failureSignal(message, kinds);
    if (lines.length) latest.set(source, lines);
  }
  return [...latest].slice(-CARRIED_COMMANDS).map(([source, lines]) => ({ source, lines }));
}

function distinct(items: string[]): string[] {
  return [...new Set(items)];
}

import type { AssistantMessage, Message, ToolCall, UserMessage } from '../../core/messages.js';
import { truncateLine } from '../../../tools/output-cap.js';

/** Which tools read, change, or merely show source, by name; their outputs are treated differently. */
export interface ToolKinds {
  /** Tools whose output is a file's content, keyed by a `path` argument. */
  read: readonly string[];
  /** Tools that change a file named by a `path` argument. */
  edit: readonly string[];
  /** Tools whose output is source text (reads, searches, listings): it can be fetched again and its "Error" lines are code, not failures. */
  source: readonly string[];
}

export const DEFAULT_TOOL_KINDS: ToolKinds = {
  read: ['read'],
  edit: ['edit', 'write'],
  source: ['read', 'search', 'list', 'symbols', 'codebase_search'],
};

/** Marks the user message a compaction inserts in place of the turns it summarised. */
export const SUMMARY_MARKER = '[Compacted conversation summary]';

export function isSummary(message: Message): message is UserMessage {
  return message.role === 'user' && message.content.startsWith(SUMMARY_MARKER);
}

/** Messages the user wrote (the task and every later one); compaction never changes or drops them. */
export function isUserWritten(message: Message): message is UserMessage {
  return message.role === 'user' && !isSummary(message);
}

/** Every tool call in the conversation by id, to find what produced a result. */
export function callsById(messages: readonly Message[]): Map<string, ToolCall> {
  const calls = new Map<string, ToolCall>();
  for (const message of messages) {
    if (message.role === 'assistant') for (const call of message.toolCalls) calls.set(call.id, call);
  }
  return calls;
}

export function parseArguments(call: ToolCall): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function pathArgument(call: ToolCall): string | undefined {
  const value = parseArguments(call).path;
  return typeof value === 'string' ? value : undefined;
}

/** The argument that says what a call did, in the order tools usually name it. */
const DESCRIPTIVE_ARGUMENTS = ['command', 'path', 'pattern', 'query', 'name'];

/** A short label such as "`npm test`" or "read `src/app.ts`" for stubs that replace a call's output. */
export function describeCall(call: ToolCall | undefined, fallbackName: string): string {
  if (!call) return fallbackName;
  const args = parseArguments(call);
  for (const key of DESCRIPTIVE_ARGUMENTS) {
    const value = args[key];
    if (typeof value !== 'string') continue;
    const label = `\`${truncateLine(value.split('\n')[0] ?? '', 120)}\``;
    return key === 'command' ? label : `${call.name} ${label}`;
  }
  return call.name;
}

/** Indices where a model turn (an assistant message and the tool results after it) begins. */
export function turnStarts(messages: readonly Message[]): number[] {
  const starts: number[] = [];
  messages.forEach((message, index) => {
    if (message.role === 'assistant') starts.push(index);
  });
  return starts;
}

/** Files named by calls of the given tools, in first-seen order. */
export function filesTouched(messages: readonly Message[], tools: readonly string[]): string[] {
  const files = new Set<string>();
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const call of (message as AssistantMessage).toolCalls) {
      const file = tools.includes(call.name) ? pathArgument(call) : undefined;
      if (file) files.add(file);
    }
  }
  return [...files];
}

import type { AssistantMessage, Message, ToolCall, ToolResultMessage } from '../../core/messages.js';
import { plural } from '../../../tools/output-cap.js';
import { callsById, describeCall, parseArguments, type ToolKinds } from './conversation.js';
import { failureLines } from './failure-signal.js';
import { countMessage, type TokenCounter } from './token-counter.js';

export interface MaskOptions {
  counter: TokenCounter;
  kinds: ToolKinds;
  /** Messages at or after this index are recent turns and stay as they are. */
  end: number;
  /** Stop once this many tokens are freed. */
  tokensToFree: number;
}

export interface Rewrite {
  messages: Message[];
  freed: number;
}

const STUB_PREFIX = '[output of ';
const KEPT_HEADER = 'Failure lines kept from it:';
/** Outputs this small cost about as much as their stub; masking them frees nothing. */
const MIN_MASKED_TOKENS = 120;
/** Tool-call argument strings longer than this (file contents of a write, say) are elided. */
const MAX_ARGUMENT_CHARS = 800;
const FAILURE_LINES_KEPT = 12;

const EXIT_CODE = /\bexit(?:ed)?(?: with)?(?: code| status)?[:=\s]+(-?\d+)/gi;

/**
 * Replaces old tool outputs, oldest first, with a one-line stub that keeps
 * the call's identity and the failure lines, until enough tokens are freed.
 * Calls and results keep their ids, so they stay paired.
 */
export function maskOldOutputs(messages: readonly Message[], options: MaskOptions): Rewrite {
  const calls = callsById(messages);
  const result = [...messages];
  let freed = 0;
  for (let index = 0; index < options.end && freed < options.tokensToFree; index++) {
    const message = result[index]!;
    const masked =
      message.role === 'tool'
        ? maskOutput(message, calls.get(message.toolCallId), options)
        : message.role === 'assistant'
          ? elideLongArguments(message)
          : message;
    if (masked === message) continue;
    const saving = countMessage(options.counter, message) - countMessage(options.counter, masked);
    if (saving <= 0) continue;
    result[index] = masked;
    freed += saving;
  }
  return { messages: result, freed };
}

function maskOutput(message: ToolResultMessage, call: ToolCall | undefined, options: MaskOptions): Message {
  if (isStub(message.content) || countMessage(options.counter, message) < MIN_MASKED_TOKENS) return message;
  const lineCount = message.content.split('\n').length;
  const exit = exitStatus(message);
  const hint = options.kinds.read.includes(message.name) ? 'read it again if needed' : 're-run to see it';
  const stub = `${STUB_PREFIX}${describeCall(call, message.name)} elided: ${plural(lineCount, 'line')}${exit}; ${hint}]`;
  const kept = failureSignal(message, options.kinds);
  const content = kept.length ? `${stub}\n${KEPT_HEADER}\n${kept.join('\n')}` : stub;
  return { ...message, content };
}

export function isStub(content: string): boolean {
  return content.startsWith(STUB_PREFIX);
}

/** The failure lines of a tool output, whether it is still whole or already a stub. */
export function failureSignal(message: ToolResultMessage, kinds: ToolKinds): string[] {
  if (isStub(message.content)) {
    const kept = message.content.indexOf(`\n${KEPT_HEADER}\n`);
    return kept === -1 ? [] : message.content.slice(kept + KEPT_HEADER.length + 2).split('\n');
  }
  // Source text's "Error" lines are code; a command's are the failure the model must fix.
  if (kinds.source.includes(message.name) && !message.isError) return [];
  return failureLines(message.content, FAILURE_LINES_KEPT);
}

function exitStatus(message: ToolResultMessage): string {
  const codes = [...message.content.matchAll(EXIT_CODE)];
  const last = codes.at(-1)?.[1];
  if (last !== undefined) return `; exit ${last}`;
  return message.isError ? '; failed' : '';
}

/** Keeps old calls valid JSON but drops bulky values such as the full text of a written file. */
function elideLongArguments(message: AssistantMessage): AssistantMessage {
  let changed = false;
  const toolCalls = message.toolCalls.map((call) => {
    if (call.arguments.length <= MAX_ARGUMENT_CHARS) return call;
    const args = parseArguments(call);
    const entries = Object.entries(args).map(([key, value]) => {
      if (typeof value !== 'string' || value.length <= MAX_ARGUMENT_CHARS) return [key, value];
      return [key, `[${plural(value.length, 'character')} elided]`];
    });
    const elided = JSON.stringify(Object.fromEntries(entries));
    if (elided.length >= call.arguments.length) return call;
    changed = true;
    return { ...call, arguments: elided };
  });
  return changed ? { ...message, toolCalls } : message;
}

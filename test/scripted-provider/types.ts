import type { IncomingHttpHeaders } from 'node:http';
import type { Message } from '../../src/core/messages.js';
import type { Usage } from '../../src/core/usage.js';

export type WireProtocol = 'openai' | 'anthropic';

/** One request as the scripted provider received it, converted to the neutral model. */
export interface ReceivedTurn {
  /** 0-based position among all requests this server received. */
  index: number;
  protocol: WireProtocol;
  model: string;
  system: string;
  messages: Message[];
  /** Names of the tools offered in this request. */
  tools: string[];
  stream: boolean;
  /** The request's path and query string, e.g. `/openai/deployments/x/chat/completions?api-version=…`. */
  url: string;
  /** The parsed JSON body exactly as sent. */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export interface ScriptedToolCall {
  name: string;
  /** An object is serialised; a string is sent verbatim (so it may be malformed JSON). */
  arguments: Record<string, unknown> | string;
}

/**
 * How particular OpenAI-compatible servers shape an answer on the wire, where
 * they differ from OpenAI's documentation (see openai-quirks.ts for which
 * server does what).
 */
export interface OpenAIShape {
  /** How tool-call fragments are indexed: by position (documented), all at 0, or not at all. */
  toolCallIndex?: 'position' | 'zero' | 'none';
  /** A prompt_filter_results chunk with empty choices first, and content-filter chunks without a delta. */
  contentFilter?: boolean;
  /** The field that carries `thinking`; without one, an OpenAI answer sends no reasoning. */
  reasoningField?: 'reasoning_content' | 'reasoning';
  /** Each tool call carries extra_content.google.thought_signature (signatureFor its id). */
  thoughtSignatures?: boolean;
  /** The calls written into the text as a chat template renders them, with finish_reason "stop". */
  callsInText?: 'hermes' | 'mistral' | 'bare';
  /** Overrides the finish reason, e.g. "tool_calls" on an answer without calls. */
  finishReason?: string;
}

export interface ScriptedAnswer {
  /**
   * Anthropic: a signed thinking block streamed before the text and tool
   * calls. Like the real API, the server then rejects a later request whose
   * final assistant turn does not carry that block back verbatim.
   * OpenAI: streamed in `shape.reasoningField`, and sent nowhere without one.
   */
  thinking?: string;
  /** OpenAI only. */
  shape?: OpenAIShape;
  text?: string;
  toolCalls?: ScriptedToolCall[];
  /** Overrides the chars/4 estimate field by field. */
  usage?: Partial<Usage>;
}

export type ScriptedFault =
  | { fault: '429'; retryAfterSeconds?: number }
  | { fault: '500' }
  | { fault: '529' }
  /**
   * Streams the first chunks of the answer, then destroys the socket, or with
   * endCleanly closes the response normally, as a proxy that times out might.
   */
  | ({ fault: 'drop'; afterChunks?: number; endCleanly?: boolean } & ScriptedAnswer)
  /** Accepts the request and never answers, not even with headers, as a stuck server might. */
  | { fault: 'hang' }
  /** Sends the headers and the first chunks of the answer (none by default), then nothing, keeping the connection open. */
  | ({ fault: 'stall'; afterChunks?: number } & ScriptedAnswer)
  /** Sends only keep-alive bytes (SSE comments), `pings` of them `everyMs` apart, then the answer: a model thinking silently. */
  | ({ fault: 'slow'; pings: number; everyMs: number } & ScriptedAnswer)
  | { fault: 'context_length' }
  /** Answers with this status and body verbatim: an object as JSON, a string as plain text (status 200 included). */
  | { fault: 'http'; status: number; body: unknown }
  /** A 200 stream: the first chunks of the answer, then `line` as written (an `error:` line, a raw JSON object), then the end. */
  | ({ fault: 'stream_error'; line: string; afterChunks?: number } & ScriptedAnswer);

export type ScriptedReply = ScriptedAnswer | ScriptedFault;

/** Faults answered with an HTTP error; the others misbehave on the connection itself. */
export type ErrorFault = Exclude<
  ScriptedFault['fault'],
  'drop' | 'hang' | 'stall' | 'slow' | 'http' | 'stream_error'
>;

export type Script = (turn: ReceivedTurn) => ScriptedReply | Promise<ScriptedReply>;

/** A fault rendered in one protocol's real error shape. */
export interface WireError {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface SseEvent {
  event?: string;
  data: unknown;
}

/** The answer resolved to what goes on the wire: ids assigned, arguments as text, usage complete. */
export interface ResolvedAnswer {
  thinking?: string;
  shape?: OpenAIShape;
  text: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  usage: Usage;
}

/** What one wire protocol needs to provide to the server. */
export interface WireFormat {
  parseRequest(
    body: Record<string, unknown>,
  ): Pick<ReceivedTurn, 'model' | 'system' | 'messages' | 'tools' | 'stream'>;
  toolCallId(n: number): string;
  json(answer: ResolvedAnswer, model: string): unknown;
  events(answer: ResolvedAnswer, model: string): SseEvent[];
  error(fault: ErrorFault | 'script_error' | 'invalid_request', detail: string): WireError;
  /** Why the request breaks the protocol's replay rules for earlier answers, if it does. */
  replayError?(body: Record<string, unknown>, callsWithThinking: ReadonlySet<string>): string | undefined;
}

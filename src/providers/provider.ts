import type { Message, ReasoningBlock, ToolCall } from '../core/messages.js';
import type { Usage } from '../core/usage.js';
import { redactKeys } from '../core/model-keys.js';

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ModelRequest {
  model: string;
  system: string;
  messages: Message[];
  tools: ToolSpec[];
  maxOutputTokens: number;
  signal?: AbortSignal;
}

export interface ModelResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  stopReason: 'end' | 'tool_use' | 'max_tokens' | 'other';
  /** To be kept on the assistant message and replayed to the same provider. */
  reasoning?: ReasoningBlock[];
  /** The model that answered, when a fallback (fallback.ts) answered instead of the one asked. */
  model?: string;
}

export interface StreamHandlers {
  onTextDelta?: (text: string) => void;
  /** The model's visible reasoning (Anthropic thinking, OpenAI-compatible reasoning_content / reasoning), as it streams. */
  onThinkingDelta?: (text: string) => void;
  /** What the SDK warns of about the call (a deprecated model), for the user: never written to the terminal by the SDK. */
  onWarning?: (message: string) => void;
}

/** One model backend. Implementations convert the neutral model to their wire format and back. */
export interface Provider {
  readonly name: string;
  /** Streams one model turn. Throws ProviderError; never returns a partial response. */
  complete(request: ModelRequest, handlers: StreamHandlers): Promise<ModelResponse>;
}

export type ProviderErrorKind =
  | 'rate_limit'
  | 'overloaded'
  | 'server'
  | 'connection'
  /** The server went silent (see idle-timeout.ts). */
  | 'timeout'
  | 'context_length'
  /** The model's output could not be read as a reply (Groq's tool_use_failed, a tool-call reply without a call); sampling again usually works. */
  | 'bad_output'
  | 'auth'
  | 'bad_request'
  | 'aborted';

export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: ProviderErrorKind,
    readonly status?: number,
    /** Server-requested delay before retrying, from retry-after / retry-after-ms. */
    readonly retryAfterMs?: number,
  ) {
    // Servers and proxies may echo the key they were sent: no event, log or session record shows it.
    super(redactKeys(message));
    this.name = 'ProviderError';
  }

  get retryable(): boolean {
    return ['rate_limit', 'overloaded', 'server', 'connection', 'timeout', 'bad_output'].includes(this.kind);
  }
}

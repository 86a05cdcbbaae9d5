/**
 * The neutral conversation model. Providers convert to and from their wire
 * formats at the edge; nothing else in the harness knows about them.
 */

export interface ToolCall {
  id: string;
  name: string;
  /** Raw JSON text exactly as the model produced it; parsed and validated by the tool registry. */
  arguments: string;
}

export interface UserMessage {
  role: 'user';
  content: string;
}

/**
 * A provider's own record of the model's reasoning, opaque to everything but
 * the adapter that produced it. Anthropic requires the thinking blocks of a
 * turn that called tools to be sent back verbatim (signed) with that turn;
 * DeepSeek its reasoning_content, Gemini its calls' thought signatures.
 */
export interface ReasoningBlock {
  provider: string;
  /** Signatures are only valid for the model that produced them. */
  model: string;
  data: unknown;
}

export interface AssistantMessage {
  role: 'assistant';
  content: string;
  toolCalls: ToolCall[];
  reasoning?: ReasoningBlock[];
}

export interface ToolResultMessage {
  role: 'tool';
  toolCallId: string;
  name: string;
  content: string;
  isError: boolean;
}

export type Message = UserMessage | AssistantMessage | ToolResultMessage;

import type OpenAI from 'openai';

/**
 * Builds one reply out of Chat Completions chunks (or a whole non-streamed
 * message) as OpenAI-compatible servers really send them, not only as the
 * OpenAI documentation shows them.
 */

/** Two servers' names for streamed reasoning: DeepSeek and older vLLM, OpenRouter and Ollama and newer vLLM. */
export type ReasoningField = 'reasoning_content' | 'reasoning';
const REASONING_FIELDS: readonly ReasoningField[] = ['reasoning_content', 'reasoning'];

/** What a server needs back with an assistant turn; kept as the turn's ReasoningBlock data. */
export interface CompatReasoning {
  /** The field the reasoning came in, and goes back in (DeepSeek refuses a tool-call turn without it). */
  field?: ReasoningField;
  text?: string;
  /** Per tool-call id, the call's `extra_content` verbatim (Gemini's thought_signature must come back). */
  extraContent?: Record<string, unknown>;
}

interface WireToolCall {
  index?: number;
  id?: string;
  /** Arguments as an object rather than JSON text: some servers' non-streamed replies. */
  function?: { name?: string | null; arguments?: string | Record<string, unknown> | null };
  extra_content?: unknown;
}

type WireDelta = Partial<Record<ReasoningField, string | null>> & {
  content?: string | null;
  tool_calls?: WireToolCall[] | null;
};

interface WireChoice {
  delta?: WireDelta | null;
  message?: WireDelta | null;
  finish_reason?: string | null;
}

interface WireChunk {
  choices?: WireChoice[] | null;
  usage?: OpenAI.CompletionUsage | null;
}

interface AssembledCall {
  id: string;
  name: string;
  arguments: string;
  extraContent?: unknown;
}

export interface AssembledReply {
  text: string;
  calls: AssembledCall[];
  reasoning: CompatReasoning;
  finishReason?: string;
  usage?: OpenAI.CompletionUsage;
}

export class ReplyAssembler {
  private text = '';
  private readonly calls: AssembledCall[] = [];
  /** The call each `index` (or the lack of one) is currently filling. */
  private readonly open = new Map<number, AssembledCall>();
  private reasoningField: ReasoningField | undefined;
  private reasoningText = '';
  private finishReason: string | undefined;
  private usage: OpenAI.CompletionUsage | undefined;

  constructor(
    private readonly handlers: {
      onTextDelta?: (text: string) => void;
      onThinkingDelta?: (text: string) => void;
    },
  ) {}

  /** One streamed chunk. Chunks without choices or without a delta (Azure's content-filter annotations) carry nothing to add. */
  chunk(raw: unknown): void {
    const chunk = raw as WireChunk;
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    if (choice.delta) this.delta(choice.delta);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  /** A whole non-streamed completion. */
  completion(raw: unknown): void {
    const completion = raw as WireChunk;
    if (completion.usage) this.usage = completion.usage;
    const choice = completion.choices?.[0];
    if (choice?.message) this.delta(choice.message);
    if (choice?.finish_reason) this.finishReason = choice.finish_reason;
  }

  finish(): AssembledReply {
    const extraContent = Object.fromEntries(
      this.calls.flatMap((call) => (call.extraContent ? [[call.id, call.extraContent]] : [])),
    );
    return {
      text: this.text,
      calls: this.calls,
      reasoning: {
        ...(this.reasoningField && { field: this.reasoningField, text: this.reasoningText }),
        ...(Object.keys(extraContent).length > 0 && { extraContent }),
      },
      ...(this.finishReason && { finishReason: this.finishReason }),
      ...(this.usage && { usage: this.usage }),
    };
  }

  private delta(delta: WireDelta): void {
    if (delta.content) {
      this.text += delta.content;
      this.handlers.onTextDelta?.(delta.content);
    }
    for (const field of REASONING_FIELDS) {
      const thought = delta[field];
      // Some servers send both names with the same text: the first one seen is the one used.
      if (!thought || (this.reasoningField && this.reasoningField !== field)) continue;
      this.reasoningField = field;
      this.reasoningText += thought;
      this.handlers.onThinkingDelta?.(thought);
    }
    for (const fragment of delta.tool_calls ?? []) this.toolCall(fragment);
  }

  /**
   * A fragment continues the call open at its index unless it starts another
   * one: a new id (servers that send parallel calls all at index 0), or a
   * name where the open call has one and no id says otherwise. Fragments
   * without an index (older Ollama) share one slot by the same rule.
   */
  private toolCall(fragment: WireToolCall): void {
    const slot = fragment.index ?? -1;
    let call = this.open.get(slot);
    const startsAnother =
      !call ||
      (fragment.id
        ? Boolean(call.id) && fragment.id !== call.id
        : Boolean(fragment.function?.name && call.name));
    if (!call || startsAnother) {
      call = { id: '', name: '', arguments: '' };
      this.calls.push(call);
      this.open.set(slot, call);
    }
    if (fragment.id) call.id = fragment.id;
    if (fragment.function?.name) call.name = fragment.function.name;
    const args = fragment.function?.arguments;
    if (args) call.arguments += typeof args === 'string' ? args : JSON.stringify(args);
    if (fragment.extra_content) call.extraContent = fragment.extra_content;
  }
}

import type OpenAI from 'openai';
import type { AssistantMessage, Message } from '../../core/messages.js';
import type { CompatReasoning } from './reply-assembler.js';

/** The reasoning an assistant turn carries for this provider and model: only the server that produced it can use it. */
function reasoningFor(message: AssistantMessage, provider: string, model: string): CompatReasoning {
  const block = message.reasoning?.find((block) => block.provider === provider && block.model === model);
  return (block?.data as CompatReasoning | undefined) ?? {};
}

function assistantMessage(
  message: AssistantMessage,
  provider: string,
  model: string,
): OpenAI.ChatCompletionAssistantMessageParam {
  const reasoning = reasoningFor(message, provider, model);
  if (message.toolCalls.length === 0) return { role: 'assistant', content: message.content };
  return {
    role: 'assistant',
    content: message.content || null,
    // DeepSeek refuses a tool-call turn sent back without its reasoning; other servers ignore the field.
    ...(reasoning.field && reasoning.text && { [reasoning.field]: reasoning.text }),
    tool_calls: message.toolCalls.map((call) => ({
      id: call.id,
      type: 'function' as const,
      function: { name: call.name, arguments: call.arguments },
      // Gemini's thought_signature, which it requires back on the call it came with.
      ...(reasoning.extraContent?.[call.id] !== undefined && {
        extra_content: reasoning.extraContent[call.id],
      }),
    })),
  };
}

export function toWireMessages(
  system: string,
  messages: Message[],
  provider: string,
  model: string,
): OpenAI.ChatCompletionMessageParam[] {
  const wire: OpenAI.ChatCompletionMessageParam[] = system ? [{ role: 'system', content: system }] : [];
  for (const message of messages) {
    if (message.role === 'user') wire.push({ role: 'user', content: message.content });
    else if (message.role === 'tool')
      // Chat Completions has no error flag on tool results, so the text has to say it.
      wire.push({
        role: 'tool',
        tool_call_id: message.toolCallId,
        content: message.isError ? `Error: ${message.content}` : message.content,
      });
    // An empty reply (no text, no calls) is not a valid assistant message on the wire; the nudge after it says enough.
    else if (message.content || message.toolCalls.length > 0)
      wire.push(assistantMessage(message, provider, model));
  }
  return wire;
}

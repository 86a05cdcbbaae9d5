import type OpenAI from 'openai';
import type { Message, ToolCall } from '../core/messages.js';
import { emptyUsage, type Usage } from '../core/usage.js';
import { toProviderError, truncatedStream } from './errors.js';
import type { ModelRequest, ModelResponse, Provider, StreamHandlers } from './provider.js';
import { withIdleTimeout } from './idle-timeout.js';
import { lazySdkClient } from './sdk-client.js';

/** Passed explicitly so the SDK never falls back to a base URL from process.env behind the factory's back. */
const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** OpenAI's reasoning families, which stream nothing until they have thought. */
const SILENT_THINKERS = /^(o\d|gpt-5(?!-chat))/;
const SILENT_THINKING_IDLE_MS = 300_000;

export interface OpenAIProviderOptions {
  apiKey: string;
  /** Unset means api.openai.com. */
  baseUrl?: string;
  /** Abort an attempt after this long without a byte from the server. */
  idleTimeoutMs?: number;
}

function toWireMessages(system: string, messages: Message[]): OpenAI.ChatCompletionMessageParam[] {
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
      wire.push({
        role: 'assistant',
        content: message.content || null,
        ...(message.toolCalls.length > 0 && {
          tool_calls: message.toolCalls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.arguments },
          })),
        }),
      });
  }
  return wire;
}

function toUsage(usage: OpenAI.CompletionUsage): Usage {
  return {
    ...emptyUsage(),
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    cacheReadTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

function toStopReason(finishReason: string, hasToolCalls: boolean): ModelResponse['stopReason'] {
  // Some OpenAI-compatible servers report 'stop' alongside tool calls.
  if (hasToolCalls || finishReason === 'tool_calls') return 'tool_use';
  if (finishReason === 'length') return 'max_tokens';
  return finishReason === 'stop' ? 'end' : 'other';
}

/**
 * OpenAI's own endpoint sends nothing at all while a reasoning model thinks
 * (over a minute of silence has been measured), which the idle timeout would
 * take for a stuck server. Those models there get Codex's window instead;
 * every other server and model keeps the short default (undefined).
 */
export function defaultIdleTimeoutMs(model: string, baseUrl: string | undefined): number | undefined {
  const official = (baseUrl ?? DEFAULT_BASE_URL) === DEFAULT_BASE_URL;
  return official && SILENT_THINKERS.test(model) ? SILENT_THINKING_IDLE_MS : undefined;
}

/** OpenAI Chat Completions, and any OpenAI-compatible server (Ollama, vLLM, llama.cpp) by base URL. */
export class OpenAIProvider implements Provider {
  readonly name = 'openai';
  private readonly sdk: () => Promise<OpenAI>;

  constructor(private readonly options: OpenAIProviderOptions) {
    this.sdk = lazySdkClient(() => import('openai'), options.apiKey, options.baseUrl ?? DEFAULT_BASE_URL);
  }

  complete(request: ModelRequest, handlers: StreamHandlers): Promise<ModelResponse> {
    const idleTimeoutMs =
      this.options.idleTimeoutMs ?? defaultIdleTimeoutMs(request.model, this.options.baseUrl);
    return withIdleTimeout(idleTimeoutMs, request.signal, (signal) =>
      this.attempt(request, handlers, signal),
    );
  }

  private async attempt(
    request: ModelRequest,
    handlers: StreamHandlers,
    signal: AbortSignal,
  ): Promise<ModelResponse> {
    try {
      const client = await this.sdk();
      const stream = await client.chat.completions.create(
        {
          model: request.model,
          messages: toWireMessages(request.system, request.messages),
          ...(request.tools.length > 0 && {
            tools: request.tools.map((tool) => ({
              type: 'function' as const,
              function: { name: tool.name, description: tool.description, parameters: tool.parameters },
            })),
          }),
          // api.openai.com wants the newer field; local OpenAI-compatible servers understand max_tokens.
          ...(this.options.baseUrl
            ? { max_tokens: request.maxOutputTokens }
            : { max_completion_tokens: request.maxOutputTokens }),
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal },
      );

      let text = '';
      const calls: { id: string; name: string; arguments: string }[] = [];
      let finishReason: string | undefined;
      let usage = emptyUsage();
      for await (const chunk of stream) {
        if (chunk.usage) usage = toUsage(chunk.usage);
        const choice = chunk.choices[0];
        if (!choice) continue;
        if (choice.delta.content) {
          text += choice.delta.content;
          handlers.onTextDelta?.(choice.delta.content);
        }
        for (const delta of choice.delta.tool_calls ?? []) {
          const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
          if (delta.id) call.id = delta.id;
          if (delta.function?.name) call.name = delta.function.name;
          if (delta.function?.arguments) call.arguments += delta.function.arguments;
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      // The SDK ends iteration quietly on abort, and a cut connection can end it without a finish reason.
      if (signal.aborted) throw toProviderError(signal.reason, signal);
      if (!finishReason) throw truncatedStream(this.name);

      const toolCalls: ToolCall[] = calls
        .filter((call) => call !== undefined)
        .map((call) => ({ ...call, arguments: call.arguments || '{}' }));
      return { text, toolCalls, usage, stopReason: toStopReason(finishReason, toolCalls.length > 0) };
    } catch (error) {
      throw toProviderError(error, signal);
    }
  }
}

import { randomUUID } from 'node:crypto';
import type OpenAI from 'openai';
import type { ReasoningBlock, ToolCall } from '../core/messages.js';
import { emptyUsage, type Usage } from '../core/usage.js';
import { toProviderError, truncatedStream } from './errors.js';
import {
  ProviderError,
  type ModelRequest,
  type ModelResponse,
  type Provider,
  type StreamHandlers,
} from './provider.js';
import { withIdleTimeout } from './idle-timeout.js';
import { lazySdkClient } from './sdk-client.js';
import { isAzure, sdkEndpoint } from './openai-compat/endpoint.js';
import { errorNormalisingFetch } from './openai-compat/error-fetch.js';
import { ReplyAssembler, type AssembledReply } from './openai-compat/reply-assembler.js';
import {
  refusesStreaming,
  refusesTokenLimitField,
  tokenLimitFieldFor,
  type TokenLimitField,
} from './openai-compat/request-fallbacks.js';
import { toolCallsInText } from './openai-compat/text-tool-calls.js';
import { toWireMessages } from './openai-compat/wire-messages.js';

/** Passed explicitly so the SDK never falls back to a base URL from process.env behind the factory's back. */
const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** OpenAI's reasoning families, which stream nothing until they have thought. */
const SILENT_THINKERS = /^(o\d|gpt-5(?!-chat))/;
const SILENT_THINKING_IDLE_MS = 300_000;
const PROVIDER_NAME = 'openai';

export interface OpenAIProviderOptions {
  apiKey: string;
  /** Unset means api.openai.com. */
  baseUrl?: string;
  /** Abort an attempt after this long without a byte from the server. */
  idleTimeoutMs?: number;
}

function toUsage(usage: OpenAI.CompletionUsage | undefined): Usage {
  if (!usage) return emptyUsage();
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
 * OpenAI's own endpoint (and Azure's) sends nothing at all while a reasoning model thinks
 * (over a minute of silence has been measured), which the idle timeout would
 * take for a stuck server. Those models there get Codex's window instead;
 * every other server and model keeps the short default (undefined).
 */
export function defaultIdleTimeoutMs(model: string, baseUrl: string | undefined): number | undefined {
  const official = baseUrl === undefined || baseUrl === DEFAULT_BASE_URL || isAzure(baseUrl);
  return official && SILENT_THINKERS.test(model) ? SILENT_THINKING_IDLE_MS : undefined;
}

/** The reply's tool calls: the structured ones, or failing those, calls to offered tools written in the text. */
function toolCallsOf(
  reply: AssembledReply,
  offered: ReadonlySet<string>,
): { text: string; calls: ToolCall[] } {
  // Servers that send no id still need one: the tool result is matched to its call by it.
  const withIds = (calls: { name: string; arguments: string; id?: string }[]): ToolCall[] =>
    calls.map((call) => ({
      id: call.id || `call_${randomUUID()}`,
      name: call.name,
      arguments: call.arguments || '{}',
    }));
  const structured = reply.calls.filter((call) => call.name);
  if (structured.length > 0 || offered.size === 0) return { text: reply.text, calls: withIds(structured) };
  const inText = toolCallsInText(reply.text, offered);
  if (inText?.unreadable !== undefined)
    throw new ProviderError(
      `the model wrote a tool call in its text that could not be read: ${inText.unreadable}`,
      'bad_output',
    );
  if (inText) return { text: inText.text, calls: withIds(inText.calls) };
  // Ending the run here would report success with no work done.
  if (reply.finishReason === 'tool_calls')
    throw new ProviderError(
      'the server ended the reply for tool calls (finish_reason "tool_calls") but sent no tool call that could be read',
      'bad_output',
    );
  return { text: reply.text, calls: [] };
}

/** OpenAI Chat Completions, and any OpenAI-compatible server (Ollama, vLLM, llama.cpp, Azure, Gemini…) by base URL. */
export class OpenAIProvider implements Provider {
  readonly name = PROVIDER_NAME;
  private readonly sdk: () => Promise<OpenAI>;
  /** Learnt from the server's errors and kept for the session, so each refusal costs one request only once. */
  private readonly tokenLimitFields = new Map<string, TokenLimitField>();
  private streaming = true;

  constructor(private readonly options: OpenAIProviderOptions) {
    const { baseURL, extras } = sdkEndpoint(options.baseUrl ?? DEFAULT_BASE_URL, options.apiKey);
    this.sdk = lazySdkClient(() => import('openai'), options.apiKey, baseURL, {
      ...extras,
      wrapFetch: errorNormalisingFetch,
    });
  }

  async complete(request: ModelRequest, handlers: StreamHandlers): Promise<ModelResponse> {
    for (let adjustments = 0; ; adjustments++) {
      const field = this.tokenLimitFields.get(request.model) ?? tokenLimitFieldFor(request.model);
      const streaming = this.streaming;
      try {
        return await withIdleTimeout(this.idleTimeoutMs(request.model, streaming), request.signal, (signal) =>
          this.attempt(request, handlers, signal, field, streaming),
        );
      } catch (error) {
        // Two adjustments at most: the token field and streaming, each learnt once.
        if (!(error instanceof ProviderError) || adjustments >= 2) throw error;
        if (refusesTokenLimitField(error, field)) {
          this.tokenLimitFields.set(
            request.model,
            field === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens',
          );
        } else if (streaming && refusesStreaming(error)) this.streaming = false;
        else throw error;
      }
    }
  }

  /** A non-streamed reply arrives all at once, after the whole generation: only a long window fits it. */
  private idleTimeoutMs(model: string, streaming: boolean): number | undefined {
    if (!streaming) return Math.max(this.options.idleTimeoutMs ?? 0, SILENT_THINKING_IDLE_MS);
    return this.options.idleTimeoutMs ?? defaultIdleTimeoutMs(model, this.options.baseUrl);
  }

  private async attempt(
    request: ModelRequest,
    handlers: StreamHandlers,
    signal: AbortSignal,
    field: TokenLimitField,
    streaming: boolean,
  ): Promise<ModelResponse> {
    try {
      const client = await this.sdk();
      const body = {
        model: request.model,
        messages: toWireMessages(request.system, request.messages, this.name, request.model),
        ...(request.tools.length > 0 && {
          tools: request.tools.map((tool) => ({
            type: 'function' as const,
            function: { name: tool.name, description: tool.description, parameters: tool.parameters },
          })),
        }),
        [field]: request.maxOutputTokens,
      };
      const assembler = new ReplyAssembler(handlers);
      if (streaming) {
        const stream = await client.chat.completions.create(
          { ...body, stream: true, stream_options: { include_usage: true } },
          { signal },
        );
        for await (const chunk of stream) assembler.chunk(chunk);
      } else {
        assembler.completion(await client.chat.completions.create({ ...body, stream: false }, { signal }));
      }
      // The SDK ends iteration quietly on abort, and a cut connection can end it without a finish reason.
      if (signal.aborted) throw toProviderError(signal.reason, signal);
      const reply = assembler.finish();
      if (!reply.finishReason) throw truncatedStream(this.name);

      const { text, calls } = toolCallsOf(reply, new Set(request.tools.map((tool) => tool.name)));
      const reasoning: ReasoningBlock[] =
        Object.keys(reply.reasoning).length > 0
          ? [{ provider: this.name, model: request.model, data: reply.reasoning }]
          : [];
      return {
        text,
        toolCalls: calls,
        usage: toUsage(reply.usage),
        stopReason: toStopReason(reply.finishReason, calls.length > 0),
        ...(reasoning.length > 0 && { reasoning }),
      };
    } catch (error) {
      throw toProviderError(error, signal);
    }
  }
}

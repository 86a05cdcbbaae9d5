import type Anthropic from '@anthropic-ai/sdk';
import type { Message, ToolCall } from '../core/messages.js';
import type { Usage } from '../core/usage.js';
import { toProviderError, truncatedStream } from './errors.js';
import type { ModelRequest, ModelResponse, Provider, StreamHandlers, ToolSpec } from './provider.js';
import { withIdleTimeout } from './idle-timeout.js';
import { lazySdkClient } from './sdk-client.js';
import { withSdkWarnings } from './sdk-log.js';

/** Passed explicitly so the SDK never falls back to a base URL from process.env behind the factory's back. */
const DEFAULT_BASE_URL = 'https://api.anthropic.com';

export interface AnthropicProviderOptions {
  apiKey: string;
  /** Unset means api.anthropic.com. */
  baseUrl?: string;
  /** Abort an attempt after this long without a byte from the server. */
  idleTimeoutMs?: number;
  /** Extended thinking: tokens the model may think before answering; off when unset. */
  thinkingBudget?: number;
}

type Role = 'user' | 'assistant';
type Block =
  | Anthropic.TextBlockParam
  | Anthropic.ToolUseBlockParam
  | Anthropic.ToolResultBlockParam
  | Anthropic.ThinkingBlockParam
  | Anthropic.RedactedThinkingBlockParam;
type ReasoningParam = Anthropic.ThinkingBlockParam | Anthropic.RedactedThinkingBlockParam;

const CACHE_BREAKPOINT: Anthropic.CacheControlEphemeral = { type: 'ephemeral' };

function parseInput(raw: string): unknown {
  try {
    return JSON.parse(raw || '{}');
  } catch {
    // The API only accepts objects here; the malformed text already got its error result from the registry.
    return {};
  }
}

function toBlocks(message: Message, model: string): { role: Role; blocks: Block[] } {
  if (message.role === 'tool') {
    const result: Block = { type: 'tool_result', tool_use_id: message.toolCallId, content: message.content };
    return { role: 'user', blocks: [message.isError ? { ...result, is_error: true } : result] };
  }
  // The API rejects empty text blocks.
  const text: Block[] = message.content ? [{ type: 'text', text: message.content }] : [];
  if (message.role === 'user') return { role: 'user', blocks: text };
  const toolUses: Block[] = message.toolCalls.map((call) => ({
    type: 'tool_use',
    id: call.id,
    name: call.name,
    input: parseInput(call.arguments),
  }));
  // Thinking blocks go back first and verbatim: the API checks their signatures.
  const reasoning = (message.reasoning ?? [])
    .filter((block) => block.provider === PROVIDER_NAME && block.model === model)
    .map((block) => block.data as ReasoningParam);
  return { role: 'assistant', blocks: [...reasoning, ...text, ...toolUses] };
}

/**
 * Consecutive messages of one role become one wire message, so a batch of tool
 * results (and any user text after them) travels as a single user turn.
 * The last block carries a cache breakpoint so the next turn reads the whole
 * conversation so far from the prompt cache.
 */
function toWireMessages(messages: Message[], model: string): Anthropic.MessageParam[] {
  const wire: { role: Role; content: Block[] }[] = [];
  for (const { role, blocks } of messages.map((message) => toBlocks(message, model))) {
    if (blocks.length === 0) continue;
    const previous = wire.at(-1);
    if (previous?.role === role) previous.content.push(...blocks);
    else wire.push({ role, content: [...blocks] });
  }
  const last = wire.at(-1);
  const lastBlock = last?.content.at(-1);
  // Thinking blocks cannot carry a breakpoint (and never end a request: tool results or text follow them).
  if (last && lastBlock && lastBlock.type !== 'thinking' && lastBlock.type !== 'redacted_thinking')
    last.content[last.content.length - 1] = { ...lastBlock, cache_control: CACHE_BREAKPOINT };
  return wire;
}

function toWireTools(tools: ToolSpec[]): Anthropic.Tool[] {
  return tools.map((tool, index) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.parameters as Anthropic.Tool.InputSchema,
    ...(index === tools.length - 1 && { cache_control: CACHE_BREAKPOINT }),
  }));
}

/** Anthropic counts cached prompt tokens apart from input_tokens; the neutral Usage includes them. */
function toUsage(usage: Anthropic.Usage | Anthropic.MessageDeltaUsage, previous: Usage): Usage {
  const cacheReadTokens = usage.cache_read_input_tokens ?? previous.cacheReadTokens;
  const cacheWriteTokens = usage.cache_creation_input_tokens ?? previous.cacheWriteTokens;
  const uncached =
    usage.input_tokens ?? previous.inputTokens - previous.cacheReadTokens - previous.cacheWriteTokens;
  return {
    inputTokens: uncached + cacheReadTokens + cacheWriteTokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens,
    cacheWriteTokens,
  };
}

function toStopReason(stopReason: string | null): ModelResponse['stopReason'] {
  if (stopReason === 'tool_use') return 'tool_use';
  if (stopReason === 'max_tokens') return 'max_tokens';
  return stopReason === 'end_turn' || stopReason === 'stop_sequence' ? 'end' : 'other';
}

type OpenBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; call: ToolCall }
  | { type: 'reasoning'; param: ReasoningParam };

const PROVIDER_NAME = 'anthropic';

export class AnthropicProvider implements Provider {
  readonly name = PROVIDER_NAME;
  private readonly sdk: () => Promise<Anthropic>;
  private readonly idleTimeoutMs: number | undefined;
  private readonly thinkingBudget: number | undefined;
  private readonly warned = new Set<string>();

  constructor(options: AnthropicProviderOptions) {
    this.idleTimeoutMs = options.idleTimeoutMs;
    this.thinkingBudget = options.thinkingBudget;
    this.sdk = lazySdkClient(
      () => import('@anthropic-ai/sdk'),
      options.apiKey,
      options.baseUrl ?? DEFAULT_BASE_URL,
    );
  }

  /** Each SDK warning is said once a session, not at every call. */
  private warnOnce(warning: string, handlers: StreamHandlers): void {
    if (this.warned.has(warning)) return;
    this.warned.add(warning);
    handlers.onWarning?.(warning);
  }

  complete(request: ModelRequest, handlers: StreamHandlers): Promise<ModelResponse> {
    return withIdleTimeout(this.idleTimeoutMs, request.signal, (signal) =>
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
      const stream = await withSdkWarnings(
        () =>
          client.messages.create(
            {
              model: request.model,
              max_tokens: request.maxOutputTokens,
              ...(request.system && {
                system: [{ type: 'text', text: request.system, cache_control: CACHE_BREAKPOINT }],
              }),
              messages: toWireMessages(request.messages, request.model),
              ...(request.tools.length > 0 && { tools: toWireTools(request.tools) }),
              ...(this.thinkingBudget && {
                thinking: { type: 'enabled' as const, budget_tokens: this.thinkingBudget },
              }),
              stream: true,
            },
            { signal },
          ),
        (warning) => this.warnOnce(warning, handlers),
      );

      const blocks: OpenBlock[] = [];
      let usage: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
      let stopReason: string | null = null;
      let complete = false;
      for await (const event of stream) {
        if (event.type === 'message_start') usage = toUsage(event.message.usage, usage);
        else if (event.type === 'content_block_start') {
          const block = event.content_block;
          if (block.type === 'text') blocks[event.index] = { type: 'text', text: block.text };
          else if (block.type === 'tool_use')
            blocks[event.index] = {
              type: 'tool_use',
              call: { id: block.id, name: block.name, arguments: '' },
            };
          else if (block.type === 'thinking')
            blocks[event.index] = {
              type: 'reasoning',
              param: { type: 'thinking', thinking: block.thinking, signature: block.signature },
            };
          else if (block.type === 'redacted_thinking')
            blocks[event.index] = {
              type: 'reasoning',
              param: { type: 'redacted_thinking', data: block.data },
            };
        } else if (event.type === 'content_block_delta') {
          const block = blocks[event.index];
          if (event.delta.type === 'text_delta' && block?.type === 'text') {
            block.text += event.delta.text;
            handlers.onTextDelta?.(event.delta.text);
          } else if (event.delta.type === 'input_json_delta' && block?.type === 'tool_use') {
            block.call.arguments += event.delta.partial_json;
          } else if (block?.type === 'reasoning' && block.param.type === 'thinking') {
            if (event.delta.type === 'thinking_delta') {
              block.param.thinking += event.delta.thinking;
              handlers.onThinkingDelta?.(event.delta.thinking);
            } else if (event.delta.type === 'signature_delta') block.param.signature += event.delta.signature;
          }
        } else if (event.type === 'message_delta') {
          stopReason = event.delta.stop_reason;
          usage = toUsage(event.usage, usage);
        } else if (event.type === 'message_stop') complete = true;
      }
      // The SDK ends iteration quietly on abort, and a cut connection can end it before message_stop.
      if (signal.aborted) throw toProviderError(signal.reason, signal);
      if (!complete) throw truncatedStream(this.name);

      const present = blocks.filter((block) => block !== undefined);
      const text = present.map((block) => (block.type === 'text' ? block.text : '')).join('');
      const toolCalls = present.flatMap((block) =>
        block.type === 'tool_use' ? [{ ...block.call, arguments: block.call.arguments || '{}' }] : [],
      );
      const reasoning = present.flatMap((block) =>
        // A thinking block cut off before its signature arrived (max_tokens) cannot be replayed.
        block.type === 'reasoning' && (block.param.type !== 'thinking' || block.param.signature)
          ? [{ provider: PROVIDER_NAME, model: request.model, data: block.param }]
          : [],
      );
      return {
        text,
        toolCalls,
        usage,
        stopReason: toStopReason(stopReason),
        ...(reasoning.length > 0 && { reasoning }),
      };
    } catch (error) {
      throw toProviderError(error, signal);
    }
  }
}

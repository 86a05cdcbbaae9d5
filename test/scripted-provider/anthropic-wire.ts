import { createHash } from 'node:crypto';
import type { Message } from '../../src/core/messages.js';
import { fragments } from './chunking.js';
import type { ResolvedAnswer, SseEvent, WireFormat } from './types.js';

/** Anthropic Messages, as documented and as the official SDK parses it. */

interface Block {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  data?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string | Block[];
  is_error?: boolean;
}

interface WireMessage {
  role: 'user' | 'assistant';
  content: string | Block[];
}

const textOf = (content: string | Block[] | undefined): string =>
  typeof content === 'string'
    ? content
    : (content ?? [])
        .filter((block) => block.type === 'text')
        .map((block) => block.text ?? '')
        .join('');

const blocksOf = (content: string | Block[]): Block[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : content;

const isReasoning = (block: Block | undefined): boolean =>
  block?.type === 'thinking' || block?.type === 'redacted_thinking';

/** Deterministic, so a replayed block can be checked without keeping state; bound to the model, as the real ones are. */
const signatureOf = (model: string, thinking: string): string =>
  `scripted-sig-${createHash('sha256').update(`${model}\0${thinking}`).digest('base64url').slice(0, 32)}`;

function toNeutral(wire: WireMessage[], model: string): Message[] {
  const messages: Message[] = [];
  const toolNames = new Map<string, string>();
  for (const message of wire) {
    const blocks = blocksOf(message.content);
    if (message.role === 'assistant') {
      const toolCalls = blocks
        .filter((block) => block.type === 'tool_use')
        .map((block) => ({
          id: block.id ?? '',
          name: block.name ?? '',
          arguments: JSON.stringify(block.input ?? {}),
        }));
      for (const call of toolCalls) toolNames.set(call.id, call.name);
      const reasoning = blocks.filter(isReasoning).map((data) => ({ provider: 'anthropic', model, data }));
      messages.push({
        role: 'assistant',
        content: textOf(blocks),
        toolCalls,
        ...(reasoning.length > 0 && { reasoning }),
      });
      continue;
    }
    for (const block of blocks.filter((b) => b.type === 'tool_result')) {
      const id = block.tool_use_id ?? '';
      const content = textOf(block.content);
      messages.push({
        role: 'tool',
        toolCallId: id,
        name: toolNames.get(id) ?? '',
        content,
        isError: !!block.is_error,
      });
    }
    if (blocks.some((block) => block.type === 'text'))
      messages.push({ role: 'user', content: textOf(blocks) });
  }
  return messages;
}

const stopReason = (answer: ResolvedAnswer): string =>
  answer.toolCalls.length > 0 ? 'tool_use' : 'end_turn';

/** Anthropic's input_tokens excludes cached tokens; the neutral model includes them. */
function usageBody(answer: ResolvedAnswer) {
  const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens } = answer.usage;
  return {
    input_tokens: inputTokens - cacheReadTokens - cacheWriteTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: cacheWriteTokens,
    cache_read_input_tokens: cacheReadTokens,
  };
}

function parseInput(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return {};
  }
}

const errorBody = (type: string, message: string) => ({ type: 'error', error: { type, message } });

export const anthropicWire: WireFormat = {
  parseRequest(body) {
    const system = body.system as string | Block[] | undefined;
    const tools = (body.tools as { name: string }[] | undefined) ?? [];
    return {
      model: String(body.model),
      system: textOf(system),
      messages: toNeutral((body.messages as WireMessage[] | undefined) ?? [], String(body.model)),
      tools: tools.map((tool) => tool.name),
      stream: body.stream === true,
    };
  },

  toolCallId: (n) => `toolu_scripted${n}`,

  json(answer, model) {
    return {
      id: 'msg_scripted',
      type: 'message',
      role: 'assistant',
      model,
      content: [
        ...(answer.thinking
          ? [{ type: 'thinking', thinking: answer.thinking, signature: signatureOf(model, answer.thinking) }]
          : []),
        ...(answer.text ? [{ type: 'text', text: answer.text }] : []),
        ...answer.toolCalls.map((call) => ({
          type: 'tool_use',
          id: call.id,
          name: call.name,
          input: parseInput(call.arguments),
        })),
      ],
      stop_reason: stopReason(answer),
      stop_sequence: null,
      usage: usageBody(answer),
    };
  },

  events(answer, model) {
    const event = (type: string, data: Record<string, unknown>): SseEvent => ({
      event: type,
      data: { type, ...data },
    });
    const usage = usageBody(answer);
    const events: SseEvent[] = [
      event('message_start', {
        message: {
          id: 'msg_scripted',
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      }),
      event('ping', {}),
    ];
    let index = 0;
    if (answer.thinking) {
      events.push(
        event('content_block_start', {
          index,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        }),
      );
      for (const thinking of fragments(answer.thinking)) {
        events.push(event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking } }));
      }
      events.push(
        event('content_block_delta', {
          index,
          delta: { type: 'signature_delta', signature: signatureOf(model, answer.thinking) },
        }),
      );
      events.push(event('content_block_stop', { index }));
      index++;
    }
    if (answer.text) {
      events.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const text of fragments(answer.text)) {
        events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text } }));
      }
      events.push(event('content_block_stop', { index }));
      index++;
    }
    for (const call of answer.toolCalls) {
      events.push(
        event('content_block_start', {
          index,
          content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
        }),
      );
      for (const partial_json of fragments(call.arguments)) {
        events.push(
          event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }),
        );
      }
      events.push(event('content_block_stop', { index }));
      index++;
    }
    events.push(
      event('message_delta', {
        delta: { stop_reason: stopReason(answer), stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      }),
      event('message_stop', {}),
    );
    return events;
  },

  error(fault, detail) {
    switch (fault) {
      case '429':
        return {
          status: 429,
          body: errorBody(
            'rate_limit_error',
            'Number of request tokens has exceeded your per-minute rate limit',
          ),
        };
      case '500':
        return { status: 500, body: errorBody('api_error', 'Internal server error') };
      case '529':
        return { status: 529, body: errorBody('overloaded_error', 'Overloaded') };
      case 'context_length':
        return {
          status: 400,
          body: errorBody('invalid_request_error', `prompt is too long: ${detail} tokens > 200000 maximum`),
        };
      case 'invalid_request':
        return { status: 400, body: errorBody('invalid_request_error', detail) };
      case 'script_error':
        return { status: 400, body: errorBody('invalid_request_error', `scripted provider: ${detail}`) };
    }
  },

  replayError(body, callsWithThinking) {
    const messages = (body.messages as WireMessage[] | undefined) ?? [];
    for (const [i, message] of messages.entries()) {
      if (message.role !== 'assistant') continue;
      for (const [j, block] of blocksOf(message.content).entries()) {
        if (
          block.type === 'thinking' &&
          block.signature !== signatureOf(String(body.model), block.thinking ?? '')
        ) {
          return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
        }
      }
    }
    const last = messages.findLastIndex((message) => message.role === 'assistant');
    const blocks = last < 0 ? [] : blocksOf(messages[last]!.content);
    const thought = blocks.some(
      (block) => block.type === 'tool_use' && callsWithThinking.has(block.id ?? ''),
    );
    if (!thought || isReasoning(blocks[0])) return undefined;
    return (
      `messages.${last}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${blocks[0]?.type}\`. ` +
      'When `thinking` is enabled, a final `assistant` message must start with a thinking block ' +
      '(preceeding the lastmost set of `tool_use` and `tool_result` blocks). ' +
      'We recommend you include thinking blocks from previous turns.'
    );
  },
};

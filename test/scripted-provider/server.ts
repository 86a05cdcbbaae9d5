import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicWire } from './anthropic-wire.js';
import { estimateTokens } from './chunking.js';
import { openaiWire } from './openai-wire.js';
import type {
  ReceivedTurn,
  ResolvedAnswer,
  Script,
  ScriptedAnswer,
  ScriptedFault,
  ScriptedReply,
  SseEvent,
  WireError,
  WireFormat,
  WireProtocol,
} from './types.js';

/**
 * A loopback model server speaking the real OpenAI Chat Completions and
 * Anthropic Messages wire protocols, so the official SDKs run unmodified
 * against it. A script decides every reply from the conversation received.
 */

export interface ScriptedProvider {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** Base URL for the OpenAI SDK (it appends /chat/completions). */
  openaiBaseUrl: string;
  /** Base URL for the Anthropic SDK (it appends /v1/messages). */
  anthropicBaseUrl: string;
  requests: ReceivedTurn[];
  /**
   * How long the server itself took for each request (read, script, reply), by
   * request index, so benchmarks can tell the harness's time from the provider's.
   * Also served as JSON at GET /__stats for a server in another process.
   */
  handlingMs: number[];
  close(): Promise<void>;
}

const wires: Record<WireProtocol, WireFormat> = { openai: openaiWire, anthropic: anthropicWire };

/** Reported in context-length errors: comfortably above either protocol's stated maximum. */
const OVERSIZED_PROMPT_TOKENS = '250000';

const STATS_PATH = '/__stats';

const isFault = (reply: ScriptedReply): reply is ScriptedFault => 'fault' in reply;

function protocolFor(url: string): WireProtocol | undefined {
  const path = new URL(url, 'http://localhost').pathname;
  if (path.endsWith('/chat/completions')) return 'openai';
  if (path.endsWith('/messages')) return 'anthropic';
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const sendError = (response: ServerResponse, error: WireError): void =>
  sendJson(response, error.status, error.body, error.headers);

const formatSse = ({ event, data }: SseEvent): string =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

const write = (response: ServerResponse, text: string): Promise<void> =>
  new Promise((resolve, reject) => response.write(text, (error) => (error ? reject(error) : resolve())));

export async function startScriptedProvider(
  script: Script,
  options: { port?: number } = {},
): Promise<ScriptedProvider> {
  const requests: ReceivedTurn[] = [];
  const handlingMs: number[] = [];
  let toolCallsIssued = 0;
  /** Tool calls answered together with a thinking block, which must come back with them. */
  const callsWithThinking = new Set<string>();

  function resolveAnswer(answer: ScriptedAnswer, rawBody: string, wire: WireFormat): ResolvedAnswer {
    const text = answer.text ?? '';
    const toolCalls = (answer.toolCalls ?? []).map((call) => ({
      id: wire.toolCallId(++toolCallsIssued),
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    }));
    const output = text + toolCalls.map((call) => call.name + call.arguments).join('');
    if (answer.thinking) for (const call of toolCalls) callsWithThinking.add(call.id);
    return {
      ...(answer.thinking && { thinking: answer.thinking }),
      ...(answer.shape && { shape: answer.shape }),
      text,
      toolCalls,
      usage: {
        inputTokens: estimateTokens(rawBody),
        outputTokens: Math.max(1, estimateTokens(output)),
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        ...answer.usage,
      },
    };
  }

  async function respond(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === 'GET' && request.url === STATS_PATH) {
      sendJson(response, 200, { handlingMs });
      return;
    }
    const protocol = protocolFor(request.url ?? '/');
    if (request.method !== 'POST' || !protocol) {
      sendJson(response, 404, { error: { message: `no route for ${request.method} ${request.url}` } });
      return;
    }
    const wire = wires[protocol];
    const received = performance.now();
    const rawBody = await readBody(request);
    const body = JSON.parse(rawBody) as Record<string, unknown>;
    const turn: ReceivedTurn = {
      index: requests.length,
      protocol,
      ...wire.parseRequest(body),
      url: request.url ?? '/',
      body,
      headers: request.headers,
    };
    requests.push(turn);
    response.once('finish', () => (handlingMs[turn.index] = performance.now() - received));
    const replayProblem = wire.replayError?.(body, callsWithThinking);
    if (replayProblem) {
      sendError(response, wire.error('invalid_request', replayProblem));
      return;
    }

    let reply;
    try {
      reply = await script(turn);
    } catch (error) {
      sendError(response, wire.error('script_error', error instanceof Error ? error.message : String(error)));
      return;
    }
    // Left open until the server closes.
    if (isFault(reply) && reply.fault === 'hang') return;
    if (isFault(reply) && reply.fault === 'http') {
      if (typeof reply.body !== 'string') sendJson(response, reply.status, reply.body);
      else {
        response.writeHead(reply.status, { 'content-type': 'text/plain' });
        response.end(reply.body);
      }
      return;
    }
    if (
      isFault(reply) &&
      reply.fault !== 'drop' &&
      reply.fault !== 'stall' &&
      reply.fault !== 'slow' &&
      reply.fault !== 'stream_error'
    ) {
      const error = wire.error(reply.fault, OVERSIZED_PROMPT_TOKENS);
      const retryAfter: Record<string, string> =
        reply.fault === '429' ? { 'retry-after': String(reply.retryAfterSeconds ?? 1) } : {};
      sendError(response, { ...error, headers: { ...error.headers, ...retryAfter } });
      return;
    }
    const stallAfter = isFault(reply) && reply.fault === 'stall' ? (reply.afterChunks ?? 0) : undefined;
    const dropAfter = isFault(reply) && reply.fault === 'drop' ? (reply.afterChunks ?? 2) : undefined;
    const answer = resolveAnswer(reply, rawBody, wire);
    if (!turn.stream) {
      if (dropAfter !== undefined) request.socket.destroy();
      else sendJson(response, 200, wire.json(answer, turn.model));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const events = wire.events(answer, turn.model);
    if (isFault(reply) && reply.fault === 'slow') {
      for (let ping = 0; ping < reply.pings; ping++) {
        await write(response, ': ping\n\n');
        await new Promise((resolve) => setTimeout(resolve, reply.everyMs));
      }
    }
    if (isFault(reply) && reply.fault === 'stream_error') {
      const before = events
        .slice(0, reply.afterChunks ?? 1)
        .map(formatSse)
        .join('');
      response.end(`${before}${reply.line}\n\n`);
      return;
    }
    if (stallAfter !== undefined) {
      response.flushHeaders();
      for (const event of events.slice(0, stallAfter)) await write(response, formatSse(event));
      return;
    }
    if (dropAfter === undefined) {
      // Still one SSE event per delta, sent in one write: the overhead bench measures the harness, not this server.
      response.end(events.map(formatSse).join(''));
      return;
    }
    // Each chunk is flushed before the cut, so the client really has received a partial stream.
    for (const event of events.slice(0, dropAfter)) await write(response, formatSse(event));
    if (isFault(reply) && reply.fault === 'drop' && reply.endCleanly) response.end();
    else request.socket.destroy();
  }

  const server = createServer((request, response) => {
    respond(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`scripted provider failed: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    openaiBaseUrl: `${baseUrl}/v1`,
    anthropicBaseUrl: baseUrl,
    requests,
    handlingMs,
    close: () =>
      new Promise((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

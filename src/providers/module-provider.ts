import { pathToFileURL } from 'node:url';
import type { ToolCall } from '../core/messages.js';
import { ConfigError } from './errors.js';
import {
  ProviderError,
  type ModelRequest,
  type ModelResponse,
  type Provider,
  type ProviderErrorKind,
  type StreamHandlers,
} from './provider.js';

/** The configuration's `type` for a provider the user wrote: a JavaScript module. */
export const MODULE_PROVIDER = 'module';

/** What the module's default export is called with. */
export interface ModuleProviderOptions {
  model: string;
  apiKey?: string;
  baseUrl?: string;
  thinkingBudget?: number;
  /** The configuration entry's `options`, as written. */
  options: Record<string, unknown>;
}

const ERROR_KINDS: readonly ProviderErrorKind[] = [
  'rate_limit',
  'overloaded',
  'server',
  'connection',
  'timeout',
  'context_length',
  'auth',
  'bad_request',
  'aborted',
];

/**
 * Loads the user's provider module (named by their own configuration, never a
 * repository's): its default export is called once with the options and
 * returns (or resolves to) `{ name, complete(request, handlers) }`.
 */
export async function loadModuleProvider(file: string, options: ModuleProviderOptions): Promise<Provider> {
  let exported: unknown;
  try {
    exported = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
  } catch (error) {
    throw new ConfigError(`cannot load the provider module ${file}: ${(error as Error).message}`);
  }
  if (typeof exported !== 'function')
    throw new ConfigError(
      `the provider module ${file} must export a default function createProvider(options)`,
    );
  const created = (await (exported as (o: ModuleProviderOptions) => unknown)(options)) as Partial<Provider>;
  if (typeof created?.name !== 'string' || typeof created.complete !== 'function')
    throw new ConfigError(
      `createProvider in ${file} must return { name: string, complete(request, handlers) }`,
    );
  const plugin = created as Provider;
  return {
    name: plugin.name,
    async complete(request: ModelRequest, handlers: StreamHandlers): Promise<ModelResponse> {
      let response: unknown;
      try {
        response = await plugin.complete(request, handlers);
      } catch (error) {
        throw toProviderError(error, request.signal);
      }
      return normalise(response, plugin.name);
    },
  };
}

/** Errors with a known `kind` are retried or compacted like the built-in providers' errors; others end the turn. */
function toProviderError(error: unknown, signal: AbortSignal | undefined): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal?.aborted) return new ProviderError('Request aborted', 'aborted');
  const fields = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const message = error instanceof Error ? error.message : String(error);
  const kind = ERROR_KINDS.find((k) => k === fields.kind) ?? 'bad_request';
  const status = typeof fields.status === 'number' ? fields.status : undefined;
  const retryAfterMs = typeof fields.retryAfterMs === 'number' ? fields.retryAfterMs : undefined;
  return new ProviderError(message, kind, status, retryAfterMs);
}

/** The module's answer checked and completed: text and calls as the harness needs them, missing counts as zero. */
function normalise(response: unknown, name: string): ModelResponse {
  const r = (typeof response === 'object' && response !== null ? response : {}) as Record<string, unknown>;
  const invalid = (what: string) =>
    new ProviderError(`provider ${name} returned an invalid response: ${what}`, 'bad_request');
  const text = r.text ?? '';
  if (typeof text !== 'string') throw invalid('text is not a string');
  const rawCalls = r.toolCalls ?? [];
  if (!Array.isArray(rawCalls)) throw invalid('toolCalls is not an array');
  const toolCalls: ToolCall[] = rawCalls.map((call: unknown, index) => {
    const c = (call ?? {}) as Record<string, unknown>;
    if (typeof c.name !== 'string') throw invalid(`toolCalls[${index}].name is not a string`);
    return {
      id: typeof c.id === 'string' ? c.id : `call_${index}`,
      name: c.name,
      arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}),
    };
  });
  const u = (r.usage ?? {}) as Record<string, unknown>;
  const count = (value: unknown) => (typeof value === 'number' && value >= 0 ? value : 0);
  const stopReasons: readonly ModelResponse['stopReason'][] = ['end', 'tool_use', 'max_tokens', 'other'];
  return {
    text,
    toolCalls,
    usage: {
      inputTokens: count(u.inputTokens),
      outputTokens: count(u.outputTokens),
      cacheReadTokens: count(u.cacheReadTokens),
      cacheWriteTokens: count(u.cacheWriteTokens),
    },
    stopReason: stopReasons.find((s) => s === r.stopReason) ?? (toolCalls.length > 0 ? 'tool_use' : 'end'),
    ...(Array.isArray(r.reasoning) && { reasoning: r.reasoning as ModelResponse['reasoning'] }),
  };
}

import { ProviderError, type ProviderErrorKind } from './provider.js';

/** A setup problem the user must fix (missing key, unknown provider); its message says exactly how. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The fields both official SDKs put on their errors; read structurally because the SDKs load lazily. */
interface SdkErrorShape {
  status?: unknown;
  headers?: { get(name: string): string | null };
  type?: unknown;
  code?: unknown;
  error?: { type?: unknown; code?: unknown; error?: { type?: unknown } };
  message?: unknown;
}

const CONTEXT_LENGTH =
  /context_length_exceeded|maximum context length|prompt is too long|context window|too many (input )?tokens|exceeds? the available context size|greater than the context length/i;

/** Groq's code for a tool call the model wrote malformed. */
const BAD_OUTPUT_CODES = new Set(['tool_use_failed']);

/** retry-after-ms (milliseconds) wins over retry-after (seconds or an HTTP date). */
export function retryAfterMs(headers: SdkErrorShape['headers'], now = Date.now()): number | undefined {
  const millis = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return millis;
  const header = headers?.get('retry-after');
  if (!header) return undefined;
  const seconds = Number.parseFloat(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function kindForStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate_limit';
  if (status === 529 || status === 503) return 'overloaded';
  if (status >= 500 || status === 408) return 'server';
  if (status === 401 || status === 403) return 'auth';
  return 'bad_request';
}

/** Errors reported inside an already-open stream carry no HTTP status, only the error type. */
function kindForStreamErrorType(type: unknown): ProviderErrorKind {
  if (type === 'overloaded_error') return 'overloaded';
  if (type === 'rate_limit_error') return 'rate_limit';
  if (type === 'invalid_request_error') return 'bad_request';
  if (type === 'authentication_error' || type === 'permission_error') return 'auth';
  return 'server';
}

const isAbort = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'AbortError' || error.constructor.name === 'APIUserAbortError');

/**
 * Maps anything an SDK call or its stream throws to a ProviderError. Errors
 * without an HTTP status and without an API error body (socket resets, streams
 * cut short) are connection failures, which are retryable.
 */
export function toProviderError(error: unknown, signal?: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  // The idle timeout aborts with its own error as the reason; the user's interrupt does not.
  if (signal?.reason instanceof ProviderError) return signal.reason;
  const message = error instanceof Error ? error.message : String(error);
  if (signal?.aborted || isAbort(error)) return new ProviderError('Request aborted', 'aborted');
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const code = shape.code ?? shape.error?.code;
  // An error inside a stream has no HTTP status; OpenAI-compatible servers put one in its code (llama.cpp: 500, 400).
  const status =
    typeof shape.status === 'number'
      ? shape.status
      : typeof code === 'number' && code >= 400 && code < 600
        ? code
        : undefined;
  const type = shape.type ?? shape.error?.type ?? shape.error?.error?.type;
  if (code === 'context_length_exceeded' || (CONTEXT_LENGTH.test(message) && (status ?? 400) < 500)) {
    return new ProviderError(message, 'context_length', status);
  }
  if (BAD_OUTPUT_CODES.has(String(code))) return new ProviderError(message, 'bad_output', status);
  if (status !== undefined) {
    return new ProviderError(message, kindForStatus(status), status, retryAfterMs(shape.headers));
  }
  // An error the server reported in the stream, typed or not (OpenAI-compatible servers often leave the type out).
  if (type || shape.error) return new ProviderError(message, kindForStreamErrorType(type));
  const reason = innermostCause(error);
  return new ProviderError(
    `Connection failed: ${message}${reason && reason !== message ? ` (${reason})` : ''}`,
    'connection',
  );
}

/**
 * The SDKs say only "Connection error." and fetch "fetch failed": what the
 * user can act on (`connect ECONNREFUSED 127.0.0.1:11434`, `getaddrinfo
 * ENOTFOUND host`) is the message of the innermost cause.
 */
function innermostCause(error: unknown): string | undefined {
  let reason: string | undefined;
  for (let cause = (error as { cause?: unknown }).cause, depth = 0; cause && depth < 8; depth++) {
    if (cause instanceof Error && cause.message) reason = cause.message;
    cause = (cause as { cause?: unknown }).cause;
  }
  return reason;
}

/** Thrown when a stream closes without its protocol's end marker: the response is incomplete. */
export const truncatedStream = (provider: string): ProviderError =>
  new ProviderError(`${provider} stream ended before the response was complete`, 'connection');

import { serverErrorOf, serverErrorOfText, type ServerError } from './server-error.js';

/**
 * fetch for the OpenAI SDK that rewrites the errors of OpenAI-compatible
 * servers into the one shape the SDK reads, so their own message reaches the
 * user instead of "400 status code (no body)" or a stream that seems cut:
 * - an HTTP error with any body (see server-error.ts);
 * - a 200 response that is a JSON error instead of a stream;
 * - inside a stream: llama.cpp's `error: {...}` lines, `event: error` events,
 *   and raw JSON error objects outside any SSE field.
 */
export function errorNormalisingFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (response.ok && type.includes('text/event-stream') && response.body) {
      return new Response(response.body.pipeThrough(sseErrorNormaliser()), response);
    }
    if (response.ok && !type.includes('json')) return response;
    const text = await response.text();
    const error = response.ok ? jsonErrorOf(text) : serverErrorOfText(text);
    if (!error) return new Response(text, response);
    const code = typeof error.code === 'number' && error.code >= 400 && error.code < 600 ? error.code : 500;
    return new Response(JSON.stringify({ error }), {
      status: response.ok ? code : response.status,
      statusText: response.statusText,
      headers: jsonHeaders(response.headers),
    });
  };
}

function jsonErrorOf(text: string): ServerError | undefined {
  try {
    return serverErrorOf(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function jsonHeaders(original: Headers): Headers {
  const headers = new Headers(original);
  headers.set('content-type', 'application/json');
  // The body was decoded and re-encoded: its original length and encoding no longer apply.
  headers.delete('content-length');
  headers.delete('content-encoding');
  return headers;
}

const dataLine = (error: ServerError): string => `data: ${JSON.stringify({ error })}`;

/** Rewrites one SSE line; `errorEvent` says the event being read was announced as `event: error`. */
function rewriteLine(line: string, errorEvent: boolean): string {
  if (line.startsWith('error:')) {
    const payload = line.slice('error:'.length).trim();
    return dataLine(jsonErrorOf(payload) ?? { message: payload });
  }
  if (line.startsWith('data:')) {
    const payload = line.slice('data:'.length).trim();
    // Only error-looking payloads are parsed: the chunks of a healthy stream pass untouched.
    if (!errorEvent && !payload.includes('"error"')) return line;
    const error = jsonErrorOf(payload) ?? (errorEvent ? { message: payload } : undefined);
    return error ? dataLine(error) : line;
  }
  if (line.startsWith('{') || line.startsWith('[')) {
    const error = jsonErrorOf(line);
    // A raw object is not an SSE event: the blank line dispatches it.
    return error ? `${dataLine(error)}\n` : line;
  }
  return line;
}

function sseErrorNormaliser(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = '';
  let errorEvent = false;
  const rewrite = (lines: string[]): string =>
    lines
      .map((line) => {
        if (line === '') errorEvent = false;
        if (/^event:\s*error\s*$/.test(line)) {
          errorEvent = true;
          // Dropped: the data line that follows is rewritten into an error of its own.
          return null;
        }
        return rewriteLine(line, errorEvent);
      })
      .filter((line) => line !== null)
      .map((line) => `${line}\n`)
      .join('');
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      if (lines.length > 0) controller.enqueue(encoder.encode(rewrite(lines)));
    },
    flush(controller) {
      pending += decoder.decode();
      // A last line without its newline still counts (a raw error object at the end of the body).
      if (pending) controller.enqueue(encoder.encode(`${rewrite([pending])}\n`));
    },
  });
}

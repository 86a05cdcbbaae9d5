/**
 * OpenAI-compatible servers report errors in shapes of their own. This reads
 * the server's message (and its type and code, which classify the error) out
 * of any of them, so the user sees what the server said.
 */

/** The documented OpenAI shape, which the SDK reads: `{error: {message, type, code, param}}`. */
export interface ServerError {
  message: string;
  type?: unknown;
  code?: unknown;
  param?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function fromObject(value: Record<string, unknown>): ServerError | undefined {
  const message = value.message ?? value.detail ?? value.msg;
  if (message === undefined) return undefined;
  return {
    message: typeof message === 'string' ? message : JSON.stringify(message),
    // Gemini names the type `status` ("INVALID_ARGUMENT").
    type: value.type ?? value.status,
    code: value.code,
    param: value.param,
  };
}

/**
 * The error a parsed body reports, or undefined when it reports none:
 * `{error: {message}}` (OpenAI, llama.cpp, Groq, Azure), `{error: "text"}`,
 * `{object: "error", message}` (vLLM), `[{error: {...}}]` (Gemini).
 */
export function serverErrorOf(body: unknown): ServerError | undefined {
  if (Array.isArray(body)) return body.length > 0 ? serverErrorOf(body[0]) : undefined;
  if (!isRecord(body)) return undefined;
  const { error } = body;
  if (typeof error === 'string') return { message: error };
  if (isRecord(error)) return fromObject(error) ?? { message: JSON.stringify(error) };
  if (body.object === 'error' || (!('choices' in body) && typeof body.message === 'string'))
    return fromObject(body);
  return undefined;
}

/** The error in a response body as text: JSON in any of the shapes above, or plain text (a proxy's error page). */
export function serverErrorOfText(text: string): ServerError | undefined {
  try {
    return serverErrorOf(JSON.parse(text));
  } catch {
    const trimmed = text.trim();
    return trimmed ? { message: trimmed.slice(0, 2000) } : undefined;
  }
}

/**
 * Open models served without a matching tool-call parser (a vLLM or llama.cpp
 * started without one, a chat template the server does not know) answer with
 * the call written in the text, which would otherwise end the run with the
 * call as its answer. These are the shapes their chat templates produce.
 */

export interface TextToolCall {
  name: string;
  arguments: string;
}

export interface TextToolCalls {
  /** The text with the calls taken out. */
  text: string;
  calls: TextToolCall[];
  /** A tagged call whose body could not be read, quoted for the error. */
  unreadable?: string;
}

/** Hermes, Qwen 2.5 / 3, and templates derived from them; the closing tag is often lost to the stop token. */
const TAGGED = /<tool_call>\s*([\s\S]*?)\s*(?:<\/tool_call>|$)/g;
/** Mistral: `[TOOL_CALLS]` and a JSON array of calls. */
const MISTRAL = /\[TOOL_CALLS\]\s*(\[[\s\S]*\])\s*$/;
/** Llama 3.x: `<|python_tag|>` or nothing before a bare call object, optionally fenced. */
const BARE = /^\s*(?:<\|python_tag\|>)?\s*(?:```(?:json)?\s*)?(\{[\s\S]*\})\s*(?:```)?\s*$/;

function parseCall(value: unknown): TextToolCall | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, arguments: args, parameters } = value as Record<string, unknown>;
  if (typeof name !== 'string' || !name) return undefined;
  const input = args ?? parameters ?? {};
  return { name, arguments: typeof input === 'string' ? input : JSON.stringify(input) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The tool calls written in `text`, or undefined when it holds none. An untagged shape counts only when it names an offered tool. */
export function toolCallsInText(text: string, offered: ReadonlySet<string>): TextToolCalls | undefined {
  const tagged = [...text.matchAll(TAGGED)];
  if (tagged.length > 0) {
    const calls: TextToolCall[] = [];
    for (const [, body = ''] of tagged) {
      const call = parseCall(parseJson(body));
      // A tagged call to a tool that is not offered still goes to the registry, whose error tells the model what exists.
      if (!call) return { text, calls: [], unreadable: body.slice(0, 200) };
      calls.push(call);
    }
    return { text: text.replace(TAGGED, '').trim(), calls };
  }
  const mistral = MISTRAL.exec(text);
  if (mistral) {
    const parsed = parseJson(mistral[1]!);
    const calls = Array.isArray(parsed) ? parsed.map(parseCall) : [];
    if (calls.length === 0 || calls.some((call) => call === undefined))
      return { text, calls: [], unreadable: mistral[1]!.slice(0, 200) };
    return { text: text.slice(0, mistral.index).trim(), calls: calls as TextToolCall[] };
  }
  const bare = BARE.exec(text);
  const call = bare ? parseCall(parseJson(bare[1]!)) : undefined;
  return call && offered.has(call.name) ? { text: '', calls: [call] } : undefined;
}

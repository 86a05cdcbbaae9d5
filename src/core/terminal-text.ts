/**
 * Text from the model, tools and commands is printed to the user's terminal,
 * where escape sequences would act: set the title, write the clipboard
 * (OSC 52), clear the screen, rewrite earlier lines. Whole sequences go first
 * so no debris of them remains; then every control character left, so nothing
 * gets through even when a sequence was split across chunks.
 */
const SEQUENCES = new RegExp(
  [
    // OSC, DCS, SOS, PM, APC: up to BEL or ST (or the end of the chunk).
    '(?:\\x1b[\\]PX^_]|[\\x90\\x98\\x9d\\x9e\\x9f])[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)?',
    // CSI: parameters, intermediates, final byte.
    '(?:\\x1b\\[|\\x9b)[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]?',
    // Any other escape: ESC, intermediates, final byte.
    '\\x1b[\\x20-\\x2f]*[\\x30-\\x7e]?',
  ].join('|'),
  'g',
);

/** C0 controls but tab and newline, DEL, C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Text safe to print: no control characters but newline and tab (a carriage return becomes a newline). */
export function terminalSafe(text: string): string {
  return text.replace(SEQUENCES, '').replace(/\r\n?/g, '\n').replace(CONTROLS, '');
}

/** A sequence start not yet ended (BEL/ST for strings, a final byte otherwise) at the end of a chunk. */
const UNFINISHED =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /(?:(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*\x1b?|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*|\x1b[\x20-\x2f]*)$/;

/** Longest unfinished sequence carried over to the next chunk; anything longer is not a sequence worth keeping. */
const MAX_CARRY = 4096;

/**
 * terminalSafe for text that arrives in chunks (streamed answers, live command
 * output): a sequence split across chunks is held back until it ends, so none
 * of its payload is shown as text either. One per stream.
 */
export class TerminalSafeStream {
  private carry = '';

  push(chunk: string): string {
    const text = this.carry + chunk;
    const unfinished = UNFINISHED.exec(text);
    this.carry = unfinished && unfinished[0].length <= MAX_CARRY ? unfinished[0] : '';
    return terminalSafe(unfinished ? text.slice(0, unfinished.index) : text);
  }
}

/**
 * An event as one JSON line. JSON escapes C0 controls but not DEL and C1
 * (U+0080–U+009F, which some terminals obey), so those are escaped here too;
 * the line still parses to the same value.
 */
export function jsonLine(value: unknown): string {
  const json = JSON.stringify(value).replace(
    /[\x7f-\x9f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${json}\n`;
}

/**
 * Characters that do not show as themselves, or change how the text around
 * them shows: controls but newline and tab, and invisible formatting — bidi
 * overrides and isolates (U+202E reverses what follows), zero-width
 * characters, the soft hyphen, line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\p{Cf}\u2028\u2029]/gu;
const NAMED: Record<string, string> = { '\r': '\\r', '\x1b': '\\e', '\n': '\\n', '\t': '\\t' };

/**
 * Text shown for the user to judge (a command to approve, a diff): every
 * character in it that would not show as itself is written as an escape
 * (`\r`, `\e`, `\u{202e}`), so nothing can be hidden, overwritten or reordered
 * on the screen. Newlines and tabs stay.
 */
export function visibleText(text: string): string {
  return text.replace(HIDDEN, escapeOf);
}

/** visibleText on one line: newlines and tabs are escaped too, so a name cannot fake the lines after it. */
export function visibleLine(text: string): string {
  return visibleText(text).replace(/[\n\t]/g, escapeOf);
}

function escapeOf(char: string): string {
  return NAMED[char] ?? `\\u{${char.codePointAt(0)!.toString(16)}}`;
}

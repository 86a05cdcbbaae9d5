/** Limits for showing long text to the model: a head and a (larger) tail, since failures usually come last. */
export interface HeadTailLimits {
  headLines: number;
  tailLines: number;
  headChars: number;
  tailChars: number;
}

export const TERMINAL_LIMITS: HeadTailLimits = {
  headLines: 80,
  tailLines: 200,
  headChars: 8_000,
  tailChars: 22_000,
};

/** Keeps the head and tail of `text` and states how many lines and bytes were cut from the middle. */
export function capHeadTail(text: string, limits: HeadTailLimits = TERMINAL_LIMITS): string {
  const headEnd = Math.min(endOfFirstLines(text, limits.headLines), limits.headChars);
  const tailStart = Math.max(startOfLastLines(text, limits.tailLines), text.length - limits.tailChars);
  if (headEnd >= tailStart) return text;
  const omitted = text.slice(headEnd, tailStart);
  const lines = countNewlines(omitted);
  const size = formatBytes(Buffer.byteLength(omitted));
  const amount = lines > 0 ? `${plural(lines, 'line')} (${size})` : size;
  const note = `[... ${amount} cut from the middle of the output ...]`;
  const head = text.slice(0, headEnd);
  return `${head}${head.endsWith('\n') ? '' : '\n'}${note}\n${text.slice(tailStart)}`;
}

/** Shortens one line to `max` characters, saying how much was dropped. */
export function truncateLine(line: string, max: number): string {
  if (line.length <= max) return line;
  return `${line.slice(0, max)}… [${(line.length - max).toLocaleString('en-US')} more characters]`;
}

export function plural(count: number, noun: string, nounPlural = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : nounPlural}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Index just past the newline that ends line number `count` (or the text length if shorter). */
function endOfFirstLines(text: string, count: number): number {
  let index = 0;
  for (let line = 0; line < count; line++) {
    const newline = text.indexOf('\n', index);
    if (newline === -1) return text.length;
    index = newline + 1;
  }
  return index;
}

/** Index where the last `count` lines start; a trailing newline does not start a line of its own. */
function startOfLastLines(text: string, count: number): number {
  let index = text.endsWith('\n') ? text.length - 1 : text.length;
  for (let line = 0; line < count; line++) {
    const newline = text.lastIndexOf('\n', index - 1);
    if (newline === -1) return 0;
    index = newline;
  }
  return index + 1;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

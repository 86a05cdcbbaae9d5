/** old_string and new_string after undoing a known way models garble them. */
export interface Recovered {
  old: string;
  replacement: string;
  note: string;
}

/** Line-number gutters the read tool (`cat -n` style) and edit's own miss report put before each line. */
const GUTTERS = [/^ *(\d+)\t/, /^ *(\d+) \| /];

/** Models sometimes copy the read tool's line numbers into old_string; drop them when every line has one, in order. */
function withoutLineNumbers(old: string, replacement: string): Recovered | null {
  for (const gutter of GUTTERS) {
    const numbers = gutterNumbers(old, gutter);
    if (!numbers || !numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1)) continue;
    const strip = (text: string) =>
      text
        .split('\n')
        .map((line) => line.replace(gutter, ''))
        .join('\n');
    return {
      old: strip(old),
      replacement: gutterNumbers(replacement, gutter) ? strip(replacement) : replacement,
      note: 'line-number prefixes copied from read output were removed',
    };
  }
  return null;
}

function gutterNumbers(text: string, gutter: RegExp): number[] | null {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const numbers = lines.map((line) => gutter.exec(line)?.[1]);
  return numbers.length > 0 && numbers.every((n) => n !== undefined) ? numbers.map(Number) : null;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', '"': '"', "'": "'", '`': '`', '\\': '\\' };

/** Models sometimes escape their strings twice, sending a literal backslash-n where the file has a line break. */
function unescaped(old: string, replacement: string): Recovered | null {
  const unescape = (text: string) => text.replace(/\\([nt"'`\\])/g, (_, ch: string) => ESCAPES[ch]!);
  if (unescape(old) === old) return null;
  return {
    old: unescape(old),
    replacement: unescape(replacement),
    note: 'old_string and new_string were escaped twice; their escape sequences were decoded',
  };
}

const FENCE_OPEN = /^```[\w+-]*[ \t]*\n/;
const FENCE_CLOSE = /\n```[ \t]*\n?$/;

/** Models sometimes wrap old_string (and new_string) in a markdown code fence; unwrap both when both are wrapped. */
function withoutFences(old: string, replacement: string): Recovered | null {
  const unwrap = (text: string) =>
    FENCE_OPEN.test(text) && FENCE_CLOSE.test(text)
      ? text.replace(FENCE_OPEN, '').replace(FENCE_CLOSE, '\n')
      : null;
  const [innerOld, innerReplacement] = [unwrap(old), unwrap(replacement)];
  if (innerOld === null || innerReplacement === null) return null;
  return {
    old: innerOld,
    replacement: innerReplacement,
    note: 'the markdown code fence around old_string and new_string was removed',
  };
}

const ELISION = /^[ \t]*\.\.\.[ \t]*$/m;

/**
 * Models sometimes elide unchanged lines with a `...` line in old_string and the same in new_string.
 * When every piece between the elisions is found exactly once in the file, in order, the file's own
 * text between them stands in for each `...`.
 */
function withElisions(old: string, replacement: string, text: string): Recovered | null {
  const split = (value: string) => value.split(new RegExp(`${ELISION.source}\\n?`, 'm'));
  const oldPieces = split(old);
  const newPieces = split(replacement);
  if (
    oldPieces.length < 2 ||
    newPieces.length !== oldPieces.length ||
    oldPieces.some((piece) => !piece.trim())
  )
    return null;
  const starts: number[] = [];
  let from = 0;
  for (const piece of oldPieces) {
    const at = text.indexOf(piece, from);
    if (at === -1 || text.indexOf(piece) !== at || text.indexOf(piece, at + 1) !== -1) return null;
    starts.push(at);
    from = at + piece.length;
  }
  const gaps = oldPieces.slice(0, -1).map((piece, i) => text.slice(starts[i]! + piece.length, starts[i + 1]));
  return {
    old: text.slice(starts[0], from),
    replacement: newPieces.map((piece, i) => piece + (gaps[i] ?? '')).join(''),
    note: 'the lines old_string elided with "..." were taken from the file',
  };
}

/** Tried in order, only after old_string matched nowhere as given. */
export const RECOVERIES = [withoutLineNumbers, unescaped, withoutFences, withElisions];

/**
 * string-width's answer for the text the UI itself draws, without its cost:
 * its first look at any non-ASCII text compiles Unicode-property regexes
 * (emoji, marks) and an Intl.Segmenter, ~30 ms, and the first frame has a
 * `›` and a `·` in it. For printable ASCII and the UI's own one-column glyphs
 * (colour codes aside) the width is the number of characters; anything else
 * (undefined here) is left to string-width. The bundle routes every
 * string-width call through this (scripts/bundle-ui.mjs).
 */

/** Colour and style codes (SGR), which take no column. */
// eslint-disable-next-line no-control-regex -- matching escape codes is the point
const SGR = /\x1B\[[0-9;]*m/g;

/** Printable ASCII and the UI's glyphs: · › → ← ↑ ↓ … — − ✓ ✗ ✻ ⧗ ▸ “ ” ─ │ and the braille spinner. */
const ONE_COLUMN_EACH = /^[\x20-\x7E·›→←↑↓…—−✓✗✻⧗▸“”─│\u2800-\u28FF]*$/;

export function oneColumnWidth(text: string): number | undefined {
  const plain = text.includes('\x1B') ? text.replace(SGR, '') : text;
  return ONE_COLUMN_EACH.test(plain) ? plain.length : undefined;
}

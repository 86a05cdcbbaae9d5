import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { oneColumnWidth } from '../src/tui/one-column-width.js';

describe('oneColumnWidth', () => {
  it('agrees with string-width on every character it answers for', () => {
    let answered = 0;
    for (let code = 0; code < 0x3000; code++) {
      const char = String.fromCodePoint(code);
      const width = oneColumnWidth(char);
      if (width === undefined) continue;
      answered++;
      expect([char, width]).toEqual([char, stringWidth(char)]);
    }
    // Printable ASCII and the UI's glyphs at least.
    expect(answered).toBeGreaterThan(95 + 10);
  });

  it('ignores colour codes and leaves the rest to string-width', () => {
    const status = '\x1B[2mgpt-5 · auto-edit\x1B[22m › ⠋';
    expect(oneColumnWidth(status)).toBe(stringWidth(status));
    expect(oneColumnWidth('wide 中文')).toBeUndefined();
    expect(oneColumnWidth('emoji ✅')).toBeUndefined();
    expect(oneColumnWidth('tab\there')).toBeUndefined();
    expect(oneColumnWidth('\x1B]8;;https://example.com\x07link')).toBeUndefined();
  });
});

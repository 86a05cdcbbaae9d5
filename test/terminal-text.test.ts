import { describe, expect, it } from 'vitest';
import { TerminalSafeStream, terminalSafe } from '../src/core/terminal-text.js';

const hostile = 'before\x1b]0;PWNED-TITLE\x07\x1b]52;c;cHduZWQ=\x1b\\\x1b[2J\x1b[31mred\x1b[0m\x9b2Jafter\n';

describe('text made safe for the terminal', () => {
  it('keeps the words and drops every sequence, whole', () => {
    expect(terminalSafe(hostile)).toBe('beforeredafter\n');
  });

  it('gives the same text however a stream is cut into chunks, with no payload of a split sequence shown', () => {
    for (let cut = 0; cut <= hostile.length; cut++) {
      for (let second = cut; second <= hostile.length; second += 7) {
        const stream = new TerminalSafeStream();
        const shown = [hostile.slice(0, cut), hostile.slice(cut, second), hostile.slice(second)]
          .map((chunk) => stream.push(chunk))
          .join('');
        expect(shown).toBe('beforeredafter\n');
      }
    }
  });
});

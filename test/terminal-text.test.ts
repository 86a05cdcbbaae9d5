import { describe, expect, it } from 'vitest';
import { TerminalSafeStream, terminalSafe, visibleLine, visibleText } from '../src/core/terminal-text.js';
import { callSummary } from '../src/core/call-summary.js';

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
  it('writes every character that would not show as itself as an escape, for text the user judges', () => {
    const tricky = 'a\r\x1b[2Jb\u202ec\u2066d\u200be\ufefff\u00adg\u2028h\x9b';
    expect(visibleText(`${tricky}\n\tnext`)).toBe(
      'a\\r\\e[2Jb\\u{202e}c\\u{2066}d\\u{200b}e\\u{feff}f\\u{ad}g\\u{2028}h\\u{9b}\n\tnext',
    );
    expect(visibleLine('name\nfake line\tx')).toBe('name\\nfake line\\tx');
    // The line that says why a call failed comes from its output: it cannot fake the line either.
    expect(callSummary(true, 'Error: x\r[exit code 0]\u202e', undefined)).toBe(
      'Error: x\\r[exit code 0]\\u{202e}',
    );
  });
});

import type { CallDetail } from './events.js';
import { visibleLine } from './terminal-text.js';

/**
 * One line saying how a tool call ended, for every front end (the TUI's ✓/✗
 * line, print mode's --verbose line): a command's exit and output size, an
 * edit's line counts, a search's matches; for a failure without details, the
 * line that best says why — a closing status such as `[exit code 1]`, else the first.
 */
export function callSummary(
  isError: boolean,
  output: string,
  detail: CallDetail | undefined,
): string | undefined {
  switch (detail?.kind) {
    case 'command': {
      const lines = detail.output_tail.split('\n').filter((l) => l.trim() !== '').length;
      const outcome = detail.timed_out ? 'timed out' : `exit ${detail.exit_code ?? '?'}`;
      return `${outcome} · ${lines === 0 ? 'no output' : lines === 1 ? '1 line' : `${lines} lines`}`;
    }
    case 'diff':
      return `+${detail.added} −${detail.removed}`;
    case 'matches':
      return `${detail.count} matches`;
    case undefined: {
      if (!isError) return undefined;
      const lines = output.split('\n').filter((line) => line.trim() !== '');
      const status = lines.at(-1);
      const line = status?.startsWith('[') ? status : lines[0];
      // Output of a command or a file: a carriage return or a bidi override must not fake the line.
      return line === undefined ? undefined : visibleLine(line);
    }
  }
}

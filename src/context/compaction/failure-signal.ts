import { truncateLine } from '../../../tools/output-cap.js';

/**
 * Lines that carry a failure: test-runner verdicts (vitest, jest, pytest, go,
 * cargo, mocha), assertion messages and compiler or runtime errors. These are
 * what the model needs to fix a bug, so they survive every compaction.
 */
const FAILURE_LINE =
  /\b(FAIL(ED|ING|URE)?|[A-Za-z]*Error|[A-Za-z]*Exception|Traceback|panicked|assert\w*|expected|received|failed|failing|error(\[\w+\])?:)|^\s*(✗|✕|×|●|not ok\b)/i;

const MAX_LINE_CHARS = 300;

/** Distinct failure lines of `text`, at most `cap`, keeping the first and the last when there are more. */
export function failureLines(text: string, cap: number): string[] {
  const seen = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.trim() && FAILURE_LINE.test(line)) seen.add(truncateLine(line, MAX_LINE_CHARS));
  }
  const lines = [...seen];
  if (lines.length <= cap) return lines;
  // The first lines name what failed; the last ones usually hold the summary verdict.
  const head = Math.ceil(cap / 2);
  return [...lines.slice(0, head), ...lines.slice(lines.length - (cap - head))];
}

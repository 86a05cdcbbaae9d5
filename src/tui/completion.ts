/**
 * What the word under the cursor can complete to: a slash command at the start
 * of the prompt, or a repository file after `@`. Pure, so the prompt's
 * behaviour is tested without a terminal.
 */
interface CompletionTarget {
  kind: 'command' | 'path';
  /** The typed word without its `/` or `@`. */
  query: string;
  /** The range of the prompt the chosen completion replaces (including `/` or `@`). */
  start: number;
  end: number;
}

export function completionTarget(text: string, cursor: number): CompletionTarget | undefined {
  const before = text.slice(0, cursor);
  const command = /^\/([\w-]*)$/.exec(before);
  if (command) return { kind: 'command', query: command[1]!, start: 0, end: cursor };
  const mention = /(?:^|\s)@([^\s@]*)$/.exec(before);
  if (mention)
    return { kind: 'path', query: mention[1]!, start: cursor - mention[1]!.length - 1, end: cursor };
  return undefined;
}

/**
 * Fuzzy ranking: every query character appears in order. Matches in the file
 * name beat matches spread over directories, contiguous runs beat scattered
 * letters, and shorter candidates win ties, so `@stats` finds `src/stats.js`
 * before `src/lib/status/tests.js`.
 */
export function fuzzyMatch(query: string, candidates: readonly string[], limit: number): string[] {
  const q = query.toLowerCase();
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    const score = scoreOf(q, candidate.toLowerCase());
    if (score !== undefined) scored.push({ candidate, score });
  }
  scored.sort((a, b) => b.score - a.score || a.candidate.length - b.candidate.length);
  return scored.slice(0, limit).map((s) => s.candidate);
}

function scoreOf(query: string, candidate: string): number | undefined {
  if (query === '') return 0;
  if (candidate.startsWith(query)) return 1_000;
  const nameStart = candidate.lastIndexOf('/') + 1;
  let score = 0;
  let at = 0;
  let previous = -2;
  for (const char of query) {
    const found = candidate.indexOf(char, at);
    if (found === -1) return undefined;
    score += (found === previous + 1 ? 5 : 1) + (found >= nameStart ? 3 : 0);
    previous = found;
    at = found + 1;
  }
  return score;
}

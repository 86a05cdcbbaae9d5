/**
 * A line of new_string that stands for code the model left out ("// ... existing code ...",
 * "# ... rest unchanged"): a comment holding an ellipsis and a word saying what was skipped.
 * Written into the file it would delete that code, so such a line is only allowed where old_string
 * has it too (the file itself contains it).
 */
const COMMENT = /^(?:\/\/|#|\/\*|<!--|--|;|\*)/;
const ELLIPSIS = /\.\.\.|…/;
const SKIPPED = /\b(?:existing|rest|unchanged|remaining|omitted|previous)\b/i;

const isPlaceholder = (line: string): boolean =>
  COMMENT.test(line) && ELLIPSIS.test(line) && SKIPPED.test(line);

/** The first placeholder line of new_string that old_string lacks, or null. */
export function newPlaceholder(old: string, replacement: string): string | null {
  const placeholders = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .filter(isPlaceholder);
  const kept = new Set(placeholders(old));
  return placeholders(replacement).find((line) => !kept.has(line)) ?? null;
}

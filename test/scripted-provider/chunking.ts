/** Usage estimates and delta splitting shared by both wire formats. */

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** Splits text into up to `pieces` non-empty fragments, the way real streams deliver deltas. */
export function fragments(text: string, pieces = 3): string[] {
  if (text.length === 0) return [];
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Compact numbers for a status line that must fit 80 columns. */
export function formatTokens(count: number): string {
  if (count < 1_000) return String(count);
  if (count < 1_000_000) return `${(count / 1_000).toFixed(count < 10_000 ? 1 : 0)}k`;
  return `${(count / 1_000_000).toFixed(1)}M`;
}

export const formatCost = (dollars: number | null): string =>
  dollars === null ? 'cost unknown' : `$${dollars.toFixed(dollars < 1 ? 3 : 2)}`;

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

export const percentOf = (part: number, whole: number): string =>
  whole > 0 ? `${Math.min(100, Math.round((part / whole) * 100))}%` : '?%';

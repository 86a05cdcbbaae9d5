/** One section of `npm run bench`: figures, each optionally against a target. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, for example "< 2 ms" or ">= 5x". */
  target?: string;
  /** Whether the figure meets its target (omitted when there is none). */
  pass?: boolean;
}

export interface BenchSection {
  title: string;
  figures: BenchFigure[];
  notes?: string[];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Wall-clock milliseconds of `count` runs of `action`, after one untimed warm-up run (caches, JIT, lazy loads). */
export async function timeRuns(count: number, action: () => unknown): Promise<number[]> {
  await action();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await action();
    samples.push(performance.now() - start);
  }
  return samples;
}

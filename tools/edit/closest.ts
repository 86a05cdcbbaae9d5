/** Above this many line comparisons only a sample of old_string's lines is scored. */
const COMPARISON_BUDGET = 1_500_000;
const SAMPLE_LINES = 8;
const SHOWN_LINES = 12;
const SHOWN_DIFFERENCES = 3;
const LINE_CHARS = 160;

/** Where old_string most likely was meant to match, and what differs, so the model can correct its next call. */
export function describeMiss(fileLines: string[], oldLines: string[]): string {
  const best = closestWindow(fileLines, oldLines);
  if (!best || best.score < 0.3) {
    return 'Nothing in the file closely resembles old_string. Read the file again and copy the text to replace exactly.';
  }
  const window = fileLines.slice(best.first, best.first + oldLines.length);
  const numbered = window
    .slice(0, SHOWN_LINES)
    .map((line, i) => `${String(best.first + i + 1).padStart(6)} | ${clip(line)}`);
  if (window.length > SHOWN_LINES) numbered.push(`       | ... ${window.length - SHOWN_LINES} more lines`);
  const differences = window
    .map((line, i) => ({ line, old: oldLines[i]!, number: best.first + i + 1 }))
    .filter(({ line, old }) => line !== old)
    .slice(0, SHOWN_DIFFERENCES)
    .map(
      ({ line, old, number }) =>
        `  line ${number}: the file has ${quote(line)} where old_string has ${quote(old)}`,
    );
  const end = best.first + window.length;
  return [
    `The closest region is line${window.length > 1 ? `s ${best.first + 1}-${end}` : ` ${end}`} (${Math.round(best.score * 100)}% similar):`,
    ...numbered,
    'Differences:',
    ...differences,
  ].join('\n');
}

function closestWindow(fileLines: string[], oldLines: string[]): { first: number; score: number } | null {
  const size = Math.min(oldLines.length, fileLines.length);
  if (size === 0) return null;
  const step = fileLines.length * size > COMPARISON_BUDGET ? Math.ceil(size / SAMPLE_LINES) : 1;
  const sampled = oldLines
    .slice(0, size)
    .flatMap((line, i) => (i % step === 0 ? [[i, bigrams(line)] as const] : []));
  const fileGrams = fileLines.map(bigrams);
  let best = { first: 0, score: -1 };
  for (let first = 0; first + size <= fileLines.length; first++) {
    let total = 0;
    for (const [i, grams] of sampled) total += dice(grams, fileGrams[first + i]!);
    const score = total / sampled.length;
    if (score > best.score) best = { first, score };
  }
  return best;
}

/** Character pairs of the line with whitespace squeezed, counted. */
function bigrams(line: string): Map<string, number> {
  const text = line.trim().replace(/\s+/g, ' ');
  const grams = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i++) {
    const gram = text.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

function dice(a: Map<string, number>, b: Map<string, number>): number {
  let sizeA = 0;
  let sizeB = 0;
  let shared = 0;
  for (const count of a.values()) sizeA += count;
  for (const count of b.values()) sizeB += count;
  if (sizeA === 0 || sizeB === 0) return sizeA === sizeB ? 1 : 0;
  for (const [gram, count] of a) shared += Math.min(count, b.get(gram) ?? 0);
  return (2 * shared) / (sizeA + sizeB);
}

const clip = (line: string): string => (line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line);

const quote = (line: string): string => JSON.stringify(clip(line));

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
  const differences = window
    .map((line, i) => ({ line, old: oldLines[i]!, number: best.first + i + 1 }))
    .filter(({ line, old }) => squeezed(line) !== squeezed(old))
    .slice(0, SHOWN_DIFFERENCES)
    .map(
      ({ line, old, number }) =>
        `  line ${number}: the file has ${quote(squeezed(line))} where old_string has ${quote(squeezed(old))}`,
    );
  const end = best.first + window.length;
  return [
    `The closest region is line${window.length > 1 ? `s ${best.first + 1}-${end}` : ` ${end}`} (${Math.round(best.score * 100)}% similar):`,
    numberedLines(fileLines, best.first, window.length),
    'Differences (whitespace aside):',
    ...differences,
  ].join('\n');
}

/** Lines of the file with their numbers, as the miss report and other refusals show a region. */
export function numberedLines(fileLines: string[], first: number, count: number): string {
  const window = fileLines.slice(first, first + count);
  const numbered = window
    .slice(0, SHOWN_LINES)
    .map((line, i) => `${String(first + i + 1).padStart(6)} | ${clip(line)}`);
  if (window.length > SHOWN_LINES) numbered.push(`       | ... ${window.length - SHOWN_LINES} more lines`);
  return numbered.join('\n');
}

function closestWindow(fileLines: string[], oldLines: string[]): { first: number; score: number } | null {
  const size = Math.min(oldLines.length, fileLines.length);
  if (size === 0) return null;
  const step = fileLines.length * size > COMPARISON_BUDGET ? Math.ceil(size / SAMPLE_LINES) : 1;
  const sampled = oldLines
    .slice(0, size)
    .flatMap((line, i) => (i % step === 0 ? [[i, bigrams(line)] as const] : []));
  const cache = new Map<string, Uint32Array>();
  const fileGrams = fileLines.map((line) => {
    let grams = cache.get(line);
    if (!grams) cache.set(line, (grams = bigrams(line)));
    return grams;
  });
  let best = { first: 0, score: -1 };
  for (let first = 0; first + size <= fileLines.length; first++) {
    let total = 0;
    for (const [i, grams] of sampled) total += dice(grams, fileGrams[first + i]!);
    const score = total / sampled.length;
    if (score > best.score) best = { first, score };
  }
  return best;
}

const squeezed = (line: string): string => line.trim().replace(/\s+/g, ' ');

/** Character pairs of the line (whitespace squeezed) as sorted codes, so two lines compare by one merge. */
function bigrams(line: string): Uint32Array {
  const text = squeezed(line);
  const grams = new Uint32Array(Math.max(0, text.length - 1));
  for (let i = 0; i < grams.length; i++) grams[i] = (text.charCodeAt(i) << 16) | text.charCodeAt(i + 1);
  return grams.sort();
}

/** Dice coefficient of two sorted bigram multisets. */
function dice(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return (2 * shared) / (a.length + b.length);
}

const clip = (line: string): string => (line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line);

const quote = (line: string): string => JSON.stringify(clip(line));

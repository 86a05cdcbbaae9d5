const K1 = 1.2;
const B = 0.75;

/**
 * An incrementally maintained Okapi BM25 index: documents come and go as
 * files change. A large repository has hundreds of thousands of (term,
 * chunk) pairs, so postings are flat arrays of [document number, frequency]
 * pairs, with no per-document structure. A removed document's number is only
 * marked dead; its postings are dropped when dead entries outnumber live ones.
 */
export class Bm25Index {
  /** Id → document number. */
  private readonly numbers = new Map<string, number>();
  /** Document number → id, undefined once removed. */
  private ids: (string | undefined)[] = [];
  /** Document number → its length in terms. */
  private lengths: number[] = [];
  private postings = new Map<string, number[]>();
  private totalLength = 0;

  get size(): number {
    return this.numbers.size;
  }

  /** Adds (or replaces) a document; terms in any order, repeated as often as they occur. */
  add(id: string, terms: string[]): void {
    this.remove(id);
    const number = this.ids.length;
    this.ids.push(id);
    this.lengths.push(terms.length);
    this.numbers.set(id, number);
    this.totalLength += terms.length;
    const sorted = isSorted(terms) ? terms : [...terms].sort();
    for (let i = 0; i < sorted.length;) {
      const term = sorted[i]!;
      let end = i + 1;
      while (end < sorted.length && sorted[end] === term) end++;
      const list = this.postings.get(term);
      if (list) list.push(number, end - i);
      else this.postings.set(term, [number, end - i]);
      i = end;
    }
  }

  remove(id: string): void {
    const number = this.numbers.get(id);
    if (number === undefined) return;
    this.numbers.delete(id);
    this.ids[number] = undefined;
    this.totalLength -= this.lengths[number]!;
    if (this.ids.length > 2 * this.numbers.size + COMPACT_MIN_DEAD) this.compact();
  }

  /** BM25 score of every document that contains at least one of the terms. */
  score(queryTerms: string[]): Map<string, number> {
    const scores = new Map<string, number>();
    const count = this.numbers.size;
    if (count === 0) return scores;
    const averageLength = this.totalLength / count;
    for (const term of new Set(queryTerms)) {
      const list = this.postings.get(term);
      if (!list) continue;
      let containing = 0;
      for (let p = 0; p < list.length; p += 2) if (this.ids[list[p]!] !== undefined) containing++;
      const idf = Math.log(1 + (count - containing + 0.5) / (containing + 0.5));
      for (let p = 0; p < list.length; p += 2) {
        const id = this.ids[list[p]!];
        if (id === undefined) continue;
        const frequency = list[p + 1]!;
        const length = this.lengths[list[p]!]!;
        const weight = (frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * length) / averageLength));
        scores.set(id, (scores.get(id) ?? 0) + idf * weight);
      }
    }
    return scores;
  }

  /** Renumbers the live documents and drops the dead ones' postings. */
  private compact(): void {
    const renumbered = new Int32Array(this.ids.length).fill(-1);
    const ids: string[] = [];
    const lengths: number[] = [];
    this.ids.forEach((id, number) => {
      if (id === undefined) return;
      renumbered[number] = ids.length;
      this.numbers.set(id, ids.length);
      ids.push(id);
      lengths.push(this.lengths[number]!);
    });
    const postings = new Map<string, number[]>();
    for (const [term, list] of this.postings) {
      const kept: number[] = [];
      for (let p = 0; p < list.length; p += 2) {
        const number = renumbered[list[p]!]!;
        if (number !== -1) kept.push(number, list[p + 1]!);
      }
      if (kept.length > 0) postings.set(term, kept);
    }
    this.ids = ids;
    this.lengths = lengths;
    this.postings = postings;
  }
}

/** Dead documents tolerated before compacting, so small indexes do not compact on every edit. */
const COMPACT_MIN_DEAD = 1000;

function isSorted(terms: string[]): boolean {
  for (let i = 1; i < terms.length; i++) if (terms[i - 1]! > terms[i]!) return false;
  return true;
}

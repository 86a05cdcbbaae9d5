const K1 = 1.2;
const B = 0.75;

interface Document {
  number: number;
  /** Its distinct terms, to take it out of their postings. */
  terms: string[];
  length: number;
}

/**
 * An incrementally maintained Okapi BM25 index: documents come and go as
 * files change. Postings map each term to document numbers and frequencies,
 * with no per-document map: a large repository has hundreds of thousands of
 * (term, chunk) pairs.
 */
export class Bm25Index {
  private readonly documents = new Map<string, Document>();
  /** Document number → id, for the scores' keys; undefined for numbers free for reuse. */
  private readonly ids: (string | undefined)[] = [];
  /** Document number → its length in terms. */
  private readonly lengths: number[] = [];
  private readonly free: number[] = [];
  private readonly postings = new Map<string, Map<number, number>>();
  private totalLength = 0;

  get size(): number {
    return this.documents.size;
  }

  /** Adds (or replaces) a document; terms in any order, repeated as often as they occur. */
  add(id: string, terms: string[]): void {
    this.remove(id);
    const number = this.free.pop() ?? this.ids.length;
    this.ids[number] = id;
    this.lengths[number] = terms.length;
    const sorted = isSorted(terms) ? terms : [...terms].sort();
    const distinct: string[] = [];
    for (let i = 0; i < sorted.length; ) {
      const term = sorted[i]!;
      let end = i + 1;
      while (end < sorted.length && sorted[end] === term) end++;
      let documents = this.postings.get(term);
      if (!documents) this.postings.set(term, (documents = new Map()));
      documents.set(number, end - i);
      distinct.push(term);
      i = end;
    }
    this.documents.set(id, { number, terms: distinct, length: terms.length });
    this.totalLength += terms.length;
  }

  remove(id: string): void {
    const document = this.documents.get(id);
    if (!document) return;
    this.documents.delete(id);
    this.ids[document.number] = undefined;
    this.free.push(document.number);
    this.totalLength -= document.length;
    for (const term of document.terms) {
      const documents = this.postings.get(term);
      documents?.delete(document.number);
      if (documents?.size === 0) this.postings.delete(term);
    }
  }

  /** BM25 score of every document that contains at least one of the terms. */
  score(queryTerms: string[]): Map<string, number> {
    const byNumber = new Map<number, number>();
    const count = this.documents.size;
    if (count === 0) return new Map();
    const averageLength = this.totalLength / count;
    for (const term of new Set(queryTerms)) {
      const documents = this.postings.get(term);
      if (!documents) continue;
      const idf = Math.log(1 + (count - documents.size + 0.5) / (documents.size + 0.5));
      for (const [number, frequency] of documents) {
        const length = this.lengths[number]!;
        const weight = (frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * length) / averageLength));
        byNumber.set(number, (byNumber.get(number) ?? 0) + idf * weight);
      }
    }
    const scores = new Map<string, number>();
    for (const [number, score] of byNumber) scores.set(this.ids[number]!, score);
    return scores;
  }
}

function isSorted(terms: string[]): boolean {
  for (let i = 1; i < terms.length; i++) if (terms[i - 1]! > terms[i]!) return false;
  return true;
}

const K1 = 1.2;
const B = 0.75;

interface Document {
  frequencies: Map<string, number>;
  length: number;
}

/** An incrementally maintained Okapi BM25 index: documents come and go as files change. */
export class Bm25Index {
  private readonly documents = new Map<string, Document>();
  private readonly postings = new Map<string, Set<string>>();
  private totalLength = 0;

  get size(): number {
    return this.documents.size;
  }

  add(id: string, terms: string[]): void {
    this.remove(id);
    const frequencies = new Map<string, number>();
    for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    this.documents.set(id, { frequencies, length: terms.length });
    this.totalLength += terms.length;
    for (const term of frequencies.keys()) {
      let ids = this.postings.get(term);
      if (!ids) this.postings.set(term, (ids = new Set()));
      ids.add(id);
    }
  }

  remove(id: string): void {
    const document = this.documents.get(id);
    if (!document) return;
    this.documents.delete(id);
    this.totalLength -= document.length;
    for (const term of document.frequencies.keys()) {
      const ids = this.postings.get(term);
      ids?.delete(id);
      if (ids?.size === 0) this.postings.delete(term);
    }
  }

  /** BM25 score of every document that contains at least one of the terms. */
  score(queryTerms: string[]): Map<string, number> {
    const scores = new Map<string, number>();
    const count = this.documents.size;
    if (count === 0) return scores;
    const averageLength = this.totalLength / count;
    for (const term of new Set(queryTerms)) {
      const ids = this.postings.get(term);
      if (!ids) continue;
      const idf = Math.log(1 + (count - ids.size + 0.5) / (ids.size + 0.5));
      for (const id of ids) {
        const document = this.documents.get(id)!;
        const frequency = document.frequencies.get(term)!;
        const weight =
          (frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * document.length) / averageLength));
        scores.set(id, (scores.get(id) ?? 0) + idf * weight);
      }
    }
    return scores;
  }
}

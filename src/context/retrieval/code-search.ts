import type { RepoIndex } from './repo-index.js';
import { SourceLines } from './source-lines.js';
import { identifiersIn, splitIdentifier, termsOf } from './tokenize.js';

export interface SearchHit {
  path: string;
  startLine: number;
  endLine: number;
  /** The definition the chunk is, if it is one. */
  name?: string;
  score: number;
  snippet: string;
}

/** A chunk that is exactly the identifier asked for outranks chunks that merely mention it. */
const EXACT_NAME_BOOST = 3;
const PATH_TERM_BOOST = 0.25;
const SNIPPET_LINES = 4;

/**
 * Ranked search over code chunks: BM25 on identifier-split terms, boosted when
 * the chunk's own name or its file path matches the query.
 */
export function searchCode(index: RepoIndex, root: string, query: string, limit: number): SearchHit[] {
  const queryTerms = termsOf(query);
  if (queryTerms.length === 0) return [];
  const termSet = new Set(queryTerms);
  const queryIdentifiers = new Set(identifiersIn(query).map((identifier) => identifier.toLowerCase()));
  const scored: Omit<SearchHit, 'snippet'>[] = [];
  for (const [id, base] of index.search.score(queryTerms)) {
    const hash = id.lastIndexOf('#');
    const file = id.slice(0, hash);
    const chunk = index.records.get(file)?.chunks[Number(id.slice(hash + 1))];
    if (!chunk) continue;
    let score = base * (1 + PATH_TERM_BOOST * overlap(termsOf(file), termSet));
    if (chunk.name !== undefined) {
      if (queryIdentifiers.has(chunk.name.toLowerCase())) score *= EXACT_NAME_BOOST;
      else score *= 1 + overlap(splitIdentifier(chunk.name), termSet) / termSet.size;
    }
    scored.push({ path: file, startLine: chunk.startLine, endLine: chunk.endLine, name: chunk.name, score });
  }
  scored.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path) || a.startLine - b.startLine);
  const sources = new SourceLines(root);
  return scored.slice(0, limit).map((hit) => ({ ...hit, snippet: snippetOf(sources, hit, termSet) }));
}

function overlap(terms: string[], wanted: Set<string>): number {
  return new Set(terms.filter((term) => wanted.has(term))).size;
}

/** The chunk's first lines, plus its best-matching line when that lies further down. */
function snippetOf(sources: SourceLines, hit: Omit<SearchHit, 'snippet'>, terms: Set<string>): string {
  const lines = sources.lines(hit.path);
  const head = Math.min(hit.endLine, hit.startLine + SNIPPET_LINES - 1);
  let best = hit.startLine;
  let bestHits = 0;
  for (let line = hit.startLine; line <= hit.endLine; line++) {
    const hits = overlap(termsOf(lines[line - 1] ?? ''), terms);
    if (hits > bestHits) [best, bestHits] = [line, hits];
  }
  const shown = [];
  for (let line = hit.startLine; line <= head; line++) shown.push(`${line}: ${lines[line - 1] ?? ''}`);
  if (best > head) shown.push(...(best > head + 1 ? ['…'] : []), `${best}: ${lines[best - 1] ?? ''}`);
  return shown.join('\n');
}

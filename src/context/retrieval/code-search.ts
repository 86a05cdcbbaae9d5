import type { RepoIndex } from './repo-index.js';
import { SourceLines } from './source-lines.js';
import { isNonSource } from './file-role.js';
import { queryClues, type FilePaths } from './query-clues.js';
import { splitIdentifier, termsOf } from './tokenize.js';

export interface SearchHit {
  path: string;
  startLine: number;
  endLine: number;
  /** The definition the chunk is, if it is one. */
  name?: string;
  score: number;
  snippet: string;
}

/** A chunk that is exactly an identifier the query writes as code outranks chunks that merely mention it. */
const EXACT_NAME_BOOST = 3;
const PATH_TERM_BOOST = 0.25;
/** A file the query points at (path, URL, traceback frame) is very likely where to look. */
const MENTIONED_FILE_BOOST = 3;
/** Tests, docs and changelogs repeat an issue's words; they rank this much lower unless asked for. */
const NON_SOURCE_SHARE = 0.3;
/** How much the rest of a chunk's file adds to it: a chunk in a file about the query is a better hit. */
const FILE_CONTEXT_SHARE = 0.2;
/** Only a file's best chunks count, so a long file (a README) does not win by length alone. */
const FILE_CONTEXT_CHUNKS = 5;
const SNIPPET_LINES = 4;

/**
 * Ranked search over code chunks: BM25 on identifier-split terms, boosted when
 * the chunk's own name is an identifier of the query, when its file is named
 * in the query or its path shares the query's words, and when the rest of its
 * file matches too; tests, docs and changelogs rank lower unless asked for.
 */
export function searchCode(
  index: RepoIndex,
  root: string,
  query: string,
  limit: number,
  paths: FilePaths,
  isDefined: (name: string) => boolean,
): SearchHit[] {
  const queryTerms = termsOf(query);
  if (queryTerms.length === 0) return [];
  const termSet = new Set(queryTerms);
  const clues = queryClues(query, paths, isDefined);
  const scored: Omit<SearchHit, 'snippet'>[] = [];
  const fileBest = new Map<string, number[]>();
  for (const [id, base] of index.search.score(queryTerms)) {
    const hash = id.lastIndexOf('#');
    const file = id.slice(0, hash);
    const chunk = index.records.get(file)?.chunks[Number(id.slice(hash + 1))];
    if (!chunk) continue;
    let score = base * (1 + PATH_TERM_BOOST * overlap(termsOf(file), termSet));
    if (chunk.name !== undefined) {
      const name = chunk.name.toLowerCase();
      if (clues.codeNames.has(name)) score *= EXACT_NAME_BOOST;
      else score *= 1 + overlap(splitIdentifier(chunk.name), termSet) / termSet.size;
    }
    if (clues.files.has(file)) score *= MENTIONED_FILE_BOOST;
    else if (!clues.wantsNonSource && isNonSource(file)) score *= NON_SOURCE_SHARE;
    const best = fileBest.get(file);
    if (best) best.push(score);
    else fileBest.set(file, [score]);
    scored.push({ path: file, startLine: chunk.startLine, endLine: chunk.endLine, name: chunk.name, score });
  }
  const fileContext = new Map(
    [...fileBest].map(([file, scores]) => [
      file,
      sum(scores.sort((a, b) => b - a).slice(0, FILE_CONTEXT_CHUNKS)),
    ]),
  );
  for (const hit of scored) hit.score += FILE_CONTEXT_SHARE * fileContext.get(hit.path)!;
  scored.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path) || a.startLine - b.startLine);
  const sources = new SourceLines(root);
  return scored.slice(0, limit).map((hit) => ({ ...hit, snippet: snippetOf(sources, hit, termSet) }));
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
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

import type { Definition } from './parser.js';
import { pageRank, type WeightedGraph } from './rank.js';
import type { ReferenceGraph } from './reference-graph.js';
import type { FileRecord } from './repo-index.js';
import { identifiersIn } from './tokenize.js';

export interface RepoMapFocus {
  /** The task and recent conversation: identifiers and paths in it pull the ranking toward them. */
  focusText?: string;
  /** Files in play (mentioned, read, edited), relative to the root. */
  focusFiles?: string[];
}

export interface RankedDefinition extends Definition {
  score: number;
}

export interface RankedFile {
  path: string;
  score: number;
  definitions: RankedDefinition[];
}

/** Identifiers named in the focus weigh this much more on the edges that use them. */
const FOCUS_NAME_WEIGHT = 10;
/** Restart mass of a focused file relative to any other file. */
const FOCUS_FILE_WEIGHT = 100;
/** A definition's own file rank counts a little, so unreferenced definitions still order sensibly. */
const OWN_RANK_SHARE = 0.05;

/**
 * Ranks files and their definitions for a task: personalised PageRank over
 * the reference graph, then each file's rank is passed along its edges to the
 * definitions it uses (so a definition matters when important files use it).
 */
export function rankRepository(
  records: Map<string, FileRecord>,
  graph: ReferenceGraph,
  focus: RepoMapFocus,
): RankedFile[] {
  const files = [...graph.edges.keys()];
  const focusNames = new Set(identifiersIn(focus.focusText ?? '').filter((name) => graph.definers.has(name)));
  const focusFiles = focusedFiles(files, focus, focusNames, graph);

  const weighted: WeightedGraph = new Map();
  const outTotals = new Map<string, number>();
  for (const [from, edges] of graph.edges) {
    const targets = new Map<string, number>();
    let total = 0;
    for (const edge of edges) {
      const weight = edge.weight * (focusNames.has(edge.name) ? FOCUS_NAME_WEIGHT : 1);
      targets.set(edge.to, (targets.get(edge.to) ?? 0) + weight);
      total += weight;
    }
    weighted.set(from, targets);
    outTotals.set(from, total);
  }
  const personalization = new Map(files.map((file) => [file, focusFiles.has(file) ? FOCUS_FILE_WEIGHT : 1]));
  const fileRank = pageRank(files, weighted, personalization);

  const definitionScore = new Map<string, number>();
  for (const [from, edges] of graph.edges) {
    const total = outTotals.get(from) ?? 0;
    if (total === 0) continue;
    const mass = fileRank.get(from) ?? 0;
    for (const edge of edges) {
      const key = `${edge.to}\0${edge.name}`;
      const weight = edge.weight * (focusNames.has(edge.name) ? FOCUS_NAME_WEIGHT : 1);
      definitionScore.set(key, (definitionScore.get(key) ?? 0) + (mass * weight) / total);
    }
  }
  const topRank = Math.max(0, ...fileRank.values());

  const ranked: RankedFile[] = [];
  for (const file of files) {
    const own = (fileRank.get(file) ?? 0) * OWN_RANK_SHARE;
    const definitions = (records.get(file)?.definitions ?? []).map((definition) => {
      let score = (definitionScore.get(`${file}\0${definition.name}`) ?? 0) + own;
      if (focusNames.has(definition.name)) score = score * FOCUS_NAME_WEIGHT + topRank;
      return { ...definition, score };
    });
    if (definitions.length === 0) continue;
    ranked.push({
      path: file,
      score: Math.max(...definitions.map((definition) => definition.score)),
      definitions,
    });
  }
  return ranked.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
}

/** Files named directly, mentioned by path or name in the text, or defining an identifier the text names. */
function focusedFiles(
  files: string[],
  focus: RepoMapFocus,
  focusNames: Set<string>,
  graph: ReferenceGraph,
): Set<string> {
  const focused = new Set(focus.focusFiles ?? []);
  const mentioned = new Set((focus.focusText ?? '').match(PATH_LIKE) ?? []);
  if (mentioned.size > 0) {
    for (const file of files) {
      if (mentioned.has(file) || mentioned.has(file.slice(file.lastIndexOf('/') + 1))) focused.add(file);
    }
  }
  for (const name of focusNames) for (const file of graph.definers.get(name) ?? []) focused.add(file);
  return focused;
}

/** Things in prose that look like a file path or file name, such as `src/app.ts` or `models.py`. */
const PATH_LIKE = /[\w@./-]*\w\.[A-Za-z0-9]{1,6}\b/g;

/**
 * Renders the best-ranked definitions, grouped by file in rank order with
 * their line numbers, as many as fit the token budget.
 */
export function renderRepoMap(
  ranked: RankedFile[],
  budgetTokens: number,
  countTokens: (text: string) => number,
): string {
  const all = ranked
    .flatMap((file) => file.definitions.map((definition) => ({ file: file.path, definition })))
    .sort((a, b) => b.definition.score - a.definition.score);
  const render = (count: number): string => {
    const chosen = new Map<string, Definition[]>();
    for (const { file, definition } of all.slice(0, count)) {
      const list = chosen.get(file);
      if (list) list.push(definition);
      else chosen.set(file, [definition]);
    }
    const blocks: string[] = [];
    for (const file of ranked) {
      const definitions = chosen.get(file.path);
      if (!definitions) continue;
      const lines = definitions.sort((a, b) => a.line - b.line).map((d) => `  ${d.line}: ${d.signature}`);
      blocks.push(`${file.path}\n${lines.join('\n')}`);
    }
    return blocks.join('\n');
  };
  let low = 0;
  let high = all.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (countTokens(render(middle)) <= budgetTokens) low = middle;
    else high = middle - 1;
  }
  return render(low);
}

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

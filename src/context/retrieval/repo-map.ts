import type { Definition } from './parser.js';
import { pageRank, type WeightedGraph } from './rank.js';
import type { ReferenceGraph } from './reference-graph.js';
import type { FileRecord } from './repo-index.js';
import { queryClues } from './query-clues.js';

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
/** Restart mass of a file next to a focused one (either direction of the reference graph). */
const NEIGHBOUR_WEIGHT = 3;
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
  const clues = queryClues(focus.focusText ?? '', files, (name) => graph.definers.has(name));
  // Names written as code focus their definitions' files; a prose word that happens to be defined
  // somewhere ("only", "evaluate") only weighs more, as it may be meant or not.
  const focusNames = new Set<string>();
  const focusWords = new Set<string>();
  for (const name of graph.definers.keys()) {
    const lower = name.toLowerCase();
    if (clues.codeNames.has(lower)) focusNames.add(name);
    else if (clues.definedWords.has(lower)) focusWords.add(name);
  }
  const nameWeight = (name: string): number =>
    focusNames.has(name) || focusWords.has(name) ? FOCUS_NAME_WEIGHT : 1;
  const focusFiles = new Set([...(focus.focusFiles ?? []), ...clues.files, ...clues.namedFiles]);
  for (const name of focusNames) for (const file of graph.definers.get(name) ?? []) focusFiles.add(file);

  const weighted: WeightedGraph = new Map();
  const outTotals = new Map<string, number>();
  for (const [from, edges] of graph.edges) {
    const targets = new Map<string, number>();
    let total = 0;
    for (const edge of edges) {
      const weight = edge.weight * nameWeight(edge.name);
      targets.set(edge.to, (targets.get(edge.to) ?? 0) + weight);
      total += weight;
    }
    weighted.set(from, targets);
    outTotals.set(from, total);
  }
  const personalization = new Map(files.map((file) => [file, 1]));
  // The neighbourhood of a focused file, both the files it uses and the files using it, rises with it.
  for (const [from, edges] of graph.edges) {
    for (const edge of edges) {
      if (focusFiles.has(from)) personalization.set(edge.to, NEIGHBOUR_WEIGHT);
      if (focusFiles.has(edge.to)) personalization.set(from, NEIGHBOUR_WEIGHT);
    }
  }
  for (const file of focusFiles) if (personalization.has(file)) personalization.set(file, FOCUS_FILE_WEIGHT);
  const fileRank = pageRank(files, weighted, personalization);

  const definitionScore = new Float64Array(graph.slots.size);
  for (const [from, edges] of graph.edges) {
    const total = outTotals.get(from) ?? 0;
    if (total === 0) continue;
    const share = (fileRank.get(from) ?? 0) / total;
    for (const edge of edges) definitionScore[edge.slot]! += share * edge.weight * nameWeight(edge.name);
  }
  const topRank = Math.max(0, ...fileRank.values());

  const ranked: RankedFile[] = [];
  for (const file of files) {
    // A focused file is shown for itself, above files that are merely used a lot.
    const rank = fileRank.get(file) ?? 0;
    const own = focusFiles.has(file) ? topRank + rank : rank * OWN_RANK_SHARE;
    const definitions = (records.get(file)?.definitions ?? []).map((definition) => {
      const slot = graph.slots.get(`${file}\0${definition.name}`);
      let score = (slot === undefined ? 0 : definitionScore[slot]!) + own;
      if (focusNames.has(definition.name)) score = score * FOCUS_NAME_WEIGHT + topRank;
      else if (focusWords.has(definition.name)) score *= FOCUS_NAME_WEIGHT;
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

import type { Definition } from './parser.js';
import { outWeights, pageRank } from './rank.js';
import type { ReferenceGraph } from './reference-graph.js';
import { queryClues } from './query-clues.js';

export interface RepoMapFocus {
  /** The task and recent conversation: identifiers and paths in it pull the ranking toward them. */
  focusText?: string;
  /** Files in play (mentioned, read, edited), relative to the root. */
  focusFiles?: string[];
}

export interface RankedFile {
  path: string;
  /** Its best definition's score. */
  score: number;
  /** The file's definitions as the index holds them (not copies: ranking allocates little). */
  definitions: Definition[];
  /** The score of each definition, by position. */
  scores: number[];
}

/** Identifiers named in the focus weigh this much more on the edges that use them. */
const FOCUS_NAME_WEIGHT = 10;
/** Restart mass of a focused file relative to any other file. */
const FOCUS_FILE_WEIGHT = 100;
/** Restart mass of a file next to a focused one (either direction of the reference graph). */
const NEIGHBOUR_WEIGHT = 3;
/** A definition's own file rank counts a little, so unreferenced definitions still order sensibly. */
const OWN_RANK_SHARE = 0.05;

/** The unpersonalised rank of each graph: where every personalised ranking starts iterating from. */
const baseRanks = new WeakMap<ReferenceGraph, Float64Array>();

/**
 * Ranks files and their definitions for a task: personalised PageRank over
 * the reference graph, then each file's rank is passed along its edges to the
 * definitions it uses (so a definition matters when important files use it).
 */
export function rankRepository(graph: ReferenceGraph, focus: RepoMapFocus): RankedFile[] {
  const { files, uses, usedBy } = graph;
  const count = files.length;
  const clues = queryClues(focus.focusText ?? '', graph.paths, (name) => graph.definers.has(name));
  // Names written as code focus their definitions' files; a prose word that happens to be defined
  // somewhere ("only", "evaluate") only weighs more, as it may be meant or not.
  const focusNames = new Set<string>();
  const focusWords = new Set<string>();
  for (const lower of clues.codeNames)
    for (const name of graph.namesByLower.get(lower) ?? []) focusNames.add(name);
  for (const lower of clues.definedWords)
    for (const name of graph.namesByLower.get(lower) ?? []) if (!focusNames.has(name)) focusWords.add(name);
  const nameFactor = new Float64Array(graph.names.length).fill(1);
  for (const name of [...focusNames, ...focusWords]) {
    const id = graph.nameIds.get(name);
    if (id !== undefined) nameFactor[id] = FOCUS_NAME_WEIGHT;
  }
  const focused = new Uint8Array(count);
  for (const file of [...(focus.focusFiles ?? []), ...clues.files, ...clues.namedFiles]) {
    const number = graph.numbers.get(file);
    if (number !== undefined) focused[number] = 1;
  }
  for (const name of focusNames) for (const file of graph.definers.get(name) ?? []) focused[file] = 1;

  const weight = uses.weight.map((base, e) => base * nameFactor[uses.hub[e]!]!);
  const personalization = new Float64Array(count).fill(1);
  // The neighbourhood of a focused file, both the files it uses and the files using it, rises with it.
  for (let file = 0; file < count; file++) {
    if (!focused[file]) continue;
    for (let e = uses.start[file]!; e < uses.start[file + 1]!; e++) {
      const hub = uses.hub[e]!;
      for (let t = uses.hubStart[hub]!; t < uses.hubStart[hub + 1]!; t++)
        personalization[uses.hubTo[t]!] = NEIGHBOUR_WEIGHT;
    }
    for (const definition of graph.definitionNames[file]!) {
      if (definition === -1) continue;
      for (let u = usedBy.start[definition]!; u < usedBy.start[definition + 1]!; u++)
        personalization[usedBy.from[u]!] = NEIGHBOUR_WEIGHT;
    }
  }
  for (let file = 0; file < count; file++) if (focused[file]) personalization[file] = FOCUS_FILE_WEIGHT;
  let base = baseRanks.get(graph);
  if (!base) baseRanks.set(graph, (base = pageRank(uses, new Float64Array(count).fill(1))));
  const fileRank = pageRank(uses, personalization, weight, base);

  // What reaches each name, to be shared among its definers as their definitions' scores.
  const outTotal = outWeights(uses, weight);
  const nameScore = new Float64Array(graph.names.length);
  for (let file = 0; file < count; file++)
    for (let e = uses.start[file]!; e < uses.start[file + 1]!; e++)
      nameScore[uses.hub[e]!]! += (fileRank[file]! / outTotal[file]!) * weight[e]!;
  let topRank = 0;
  for (const rank of fileRank) topRank = Math.max(topRank, rank);

  const ranked: RankedFile[] = [];
  for (let file = 0; file < count; file++) {
    const own = graph.definitions[file]!;
    if (own.length === 0) continue;
    // A focused file is shown for itself, above files that are merely used a lot.
    const rank = fileRank[file]!;
    const ownScore = focused[file] ? topRank + rank : rank * OWN_RANK_SHARE;
    const names = graph.definitionNames[file]!;
    let best = -Infinity;
    const scores = own.map((definition, i) => {
      const name = names[i]!;
      const shared = name === -1 ? 0 : nameScore[name]! / (uses.hubStart[name + 1]! - uses.hubStart[name]!);
      let score = shared + ownScore;
      if (focusNames.has(definition.name)) score = score * FOCUS_NAME_WEIGHT + topRank;
      else if (focusWords.has(definition.name)) score *= FOCUS_NAME_WEIGHT;
      best = Math.max(best, score);
      return score;
    });
    ranked.push({ path: files[file]!, score: best, definitions: own, scores });
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
    .flatMap((file) =>
      file.definitions.map((definition, i) => ({ file: file.path, definition, score: file.scores[i]! })),
    )
    .sort((a, b) => b.score - a.score);
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

import { referenceNames, type FileRecord } from './file-extract.js';
import type { Definition } from './parser.js';
import { filePaths, type FilePaths } from './query-clues.js';
import type { HubGraph } from './rank.js';

/**
 * The repository's dependency graph, built once per index generation and
 * laid out in typed arrays, so that ranking for a focus is a few passes over
 * flat arrays. Files are numbered by their position in `files`, used names by
 * their position in `names`.
 *
 * A file using a name defined in n other files depends on each of them with
 * 1/n of the use's weight. Rather than n edges per use (a name defined in two
 * hundred files made most of a large repository's edges), the use is one edge
 * to the name, which shares what reaches it among its definers: the same flow
 * in the ranking, for far fewer edges.
 */
export interface ReferenceGraph {
  files: string[];
  /** Path → file number. */
  numbers: Map<string, number>;
  /** Each file's definitions, as in its record. */
  definitions: Definition[][];
  /** Identifier → numbers of the files defining it. */
  definers: Map<string, number[]>;
  /** Lowercased identifier → the identifiers so spelled (a focus is matched case-insensitively). */
  namesByLower: Map<string, string[]>;
  /** File paths resolved from what a query mentions (shared with search). */
  paths: FilePaths;
  /** Names some file uses and other files define, by number, and back. */
  names: string[];
  nameIds: Map<string, number>;
  /**
   * Uses: file → used name (edges of file f are start[f] to start[f + 1]) with
   * the use's weight; each name → its definers, sharing it equally.
   */
  uses: HubGraph;
  /** The reverse of the uses: files using name h are usedBy.from[usedBy.start[h] to usedBy.start[h + 1]]. */
  usedBy: { start: Uint32Array; from: Uint32Array };
  /** Per file, per definition: the number of its name when other files use it, else -1. */
  definitionNames: Int32Array[];
}

/** Identifiers defined in more files than this are generic (`get`, `run`) and say little about dependencies. */
const GENERIC_DEFINER_COUNT = 5;

/**
 * The file → file dependency graph of the repository: an edge for each
 * identifier a file uses that another file defines. Repeated uses count with
 * diminishing returns, and private or generic names count less.
 */
export function buildReferenceGraph(records: Iterable<[string, FileRecord]>): ReferenceGraph {
  const entries = [...records];
  const files = entries.map(([file]) => file);
  const definitions = entries.map(([, record]) => record.definitions);
  const definers = new Map<string, number[]>();
  const namesByLower = new Map<string, string[]>();
  definitions.forEach((list, file) => {
    for (const name of new Set(list.map((definition) => definition.name))) {
      const known = definers.get(name);
      if (known) {
        known.push(file);
        continue;
      }
      definers.set(name, [file]);
      const lower = name.toLowerCase();
      const spellings = namesByLower.get(lower);
      if (spellings) spellings.push(name);
      else namesByLower.set(lower, [name]);
    }
  });

  const names: string[] = [];
  const nameIds = new Map<string, number>();
  const start = new Uint32Array(files.length + 1);
  const hub: number[] = [];
  const weight: number[] = [];
  entries.forEach(([, record], file) => {
    start[file] = hub.length;
    const counts = new Map<string, number>();
    for (const used of referenceNames(record.references)) counts.set(used, (counts.get(used) ?? 0) + 1);
    for (const [used, count] of counts) {
      const targets = definers.get(used);
      if (!targets || targets.includes(file)) continue;
      let id = nameIds.get(used);
      if (id === undefined) nameIds.set(used, (id = names.push(used) - 1));
      hub.push(id);
      weight.push(nameWeight(used, targets.length) * Math.sqrt(count));
    }
  });
  start[files.length] = hub.length;

  const hubStart = new Uint32Array(names.length + 1);
  names.forEach((name, id) => (hubStart[id + 1] = hubStart[id]! + definers.get(name)!.length));
  const hubTo = new Uint32Array(hubStart[names.length]!);
  names.forEach((name, id) => hubTo.set(definers.get(name)!, hubStart[id]!));

  const uses: HubGraph = {
    start,
    hub: Uint32Array.from(hub),
    weight: Float64Array.from(weight),
    hubStart,
    hubTo,
  };
  return {
    files,
    numbers: new Map(files.map((file, number) => [file, number])),
    definitions,
    definers,
    namesByLower,
    paths: filePaths(files),
    names,
    nameIds,
    uses,
    usedBy: usersOf(uses, names.length),
    definitionNames: definitions.map((list) =>
      Int32Array.from(list, (definition) => nameIds.get(definition.name) ?? -1),
    ),
  };
}

function usersOf(uses: HubGraph, nameCount: number): ReferenceGraph['usedBy'] {
  const start = new Uint32Array(nameCount + 1);
  for (const name of uses.hub) start[name + 1]!++;
  for (let name = 0; name < nameCount; name++) start[name + 1]! += start[name]!;
  const fill = start.slice(0, nameCount);
  const from = new Uint32Array(uses.hub.length);
  for (let file = 0; file + 1 < uses.start.length; file++)
    for (let e = uses.start[file]!; e < uses.start[file + 1]!; e++) from[fill[uses.hub[e]!]!++] = file;
  return { start, from };
}

function nameWeight(name: string, definerCount: number): number {
  let weight = 1;
  if (name.startsWith('_')) weight *= 0.1;
  if (name.length < 3) weight *= 0.1;
  if (definerCount > GENERIC_DEFINER_COUNT) weight *= 0.1;
  return weight;
}

import type { FileRecord } from './repo-index.js';

/** One file's use of an identifier defined in another file. */
export interface ReferenceEdge {
  to: string;
  name: string;
  weight: number;
  /** Index of the definition (`to`, `name`) in `slots`, so rankings sum into an array, not a string-keyed map. */
  slot: number;
}

export interface ReferenceGraph {
  /** Identifier → files defining it. */
  definers: Map<string, string[]>;
  /** File → its references to identifiers defined elsewhere. */
  edges: Map<string, ReferenceEdge[]>;
  /** `file \0 name` of each definition some edge points at → its slot. */
  slots: Map<string, number>;
}

/** Identifiers defined in more files than this are generic (`get`, `run`) and say little about dependencies. */
const GENERIC_DEFINER_COUNT = 5;

/**
 * The file → file dependency graph of the repository: an edge for each
 * identifier a file uses that another file defines. Repeated uses count with
 * diminishing returns, and private or generic names count less.
 */
export function buildReferenceGraph(records: Iterable<[string, FileRecord]>): ReferenceGraph {
  const files = [...records];
  const definers = new Map<string, string[]>();
  for (const [file, record] of files) {
    for (const name of new Set(record.definitions.map((definition) => definition.name))) {
      const list = definers.get(name);
      if (list) list.push(file);
      else definers.set(name, [file]);
    }
  }
  const edges = new Map<string, ReferenceEdge[]>();
  const slots = new Map<string, number>();
  const slotOf = (to: string, name: string): number => {
    const key = `${to}\0${name}`;
    let slot = slots.get(key);
    if (slot === undefined) slots.set(key, (slot = slots.size));
    return slot;
  };
  for (const [file, record] of files) {
    const counts = new Map<string, number>();
    for (const reference of record.references)
      counts.set(reference.name, (counts.get(reference.name) ?? 0) + 1);
    const out: ReferenceEdge[] = [];
    for (const [name, count] of counts) {
      const targets = definers.get(name);
      if (!targets || targets.includes(file)) continue;
      const weight = (nameWeight(name, targets.length) * Math.sqrt(count)) / targets.length;
      for (const to of targets) out.push({ to, name, weight, slot: slotOf(to, name) });
    }
    edges.set(file, out);
  }
  return { definers, edges, slots };
}

function nameWeight(name: string, definerCount: number): number {
  let weight = 1;
  if (name.startsWith('_')) weight *= 0.1;
  if (name.length < 3) weight *= 0.1;
  if (definerCount > GENERIC_DEFINER_COUNT) weight *= 0.1;
  return weight;
}

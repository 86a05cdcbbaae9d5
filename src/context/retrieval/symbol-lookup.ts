import type { Definition, DefinitionKind } from './parser.js';
import { referenceNames } from './file-extract.js';
import type { RepoIndex } from './repo-index.js';
import { SourceLines } from './source-lines.js';

export interface SymbolDefinition {
  path: string;
  name: string;
  kind: DefinitionKind;
  line: number;
  endLine: number;
  signature: string;
}

export interface SymbolReference {
  path: string;
  line: number;
  text: string;
}

export interface SymbolsResult {
  definitions: SymbolDefinition[];
  references: SymbolReference[];
  /** All references found, of which `references` holds the first MAX_REFERENCES. */
  referenceCount: number;
  /** Names close to the one asked for, when it is defined nowhere. */
  suggestions: string[];
}

export interface OutlineEntry extends Definition {
  /** Nesting depth: 0 for top level, 1 for a method in a class, … */
  depth: number;
}

const MAX_REFERENCES = 50;
const MAX_SUGGESTIONS = 8;

/** Where a name is defined and used; `path` narrows both to one file. */
export function lookupSymbol(index: RepoIndex, root: string, name: string, path?: string): SymbolsResult {
  const definitions: SymbolDefinition[] = [];
  const found: Omit<SymbolReference, 'text'>[] = [];
  for (const [file, record] of index.visible()) {
    if (path !== undefined && file !== path) continue;
    for (const definition of record.definitions) {
      if (definition.name === name) definitions.push({ path: file, ...definition });
    }
    referenceNames(record.references).forEach((used, i) => {
      if (used === name) found.push({ path: file, line: record.references.lines[i]! });
    });
  }
  const sources = new SourceLines(root);
  const references = found
    .sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line)
    .slice(0, MAX_REFERENCES)
    .map((reference) => ({ ...reference, text: sources.line(reference.path, reference.line).trim() }));
  const suggestions = definitions.length === 0 ? similarNames(index, name) : [];
  return { definitions, references, referenceCount: found.length, suggestions };
}

/** Definitions of one file in source order with their nesting; undefined when the file is not indexed. */
export function outlineOf(index: RepoIndex, path: string): OutlineEntry[] | undefined {
  const record = index.records.get(path);
  if (!record || record.excluded) return undefined;
  const open: Definition[] = [];
  return record.definitions.map((definition) => {
    while (open.length > 0 && open[open.length - 1]!.endLine < definition.line) open.pop();
    const entry = { ...definition, depth: open.length };
    open.push(definition);
    return entry;
  });
}

function similarNames(index: RepoIndex, name: string): string[] {
  const wanted = name.toLowerCase();
  const names = new Set<string>();
  for (const [, record] of index.visible()) {
    for (const definition of record.definitions) {
      const candidate = definition.name.toLowerCase();
      if (candidate.includes(wanted) || (candidate.length > 3 && wanted.includes(candidate)))
        names.add(definition.name);
    }
  }
  return [...names].sort().slice(0, MAX_SUGGESTIONS);
}

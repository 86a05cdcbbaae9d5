/*
 * Parser choice: web-tree-sitter (WASM) with the grammars prebuilt in
 * @vscode/tree-sitter-wasm, not the native `tree-sitter` bindings.
 * Native bindings need install scripts per grammar package and those packages
 * disagree on the tree-sitter peer version; the WASM runtime has no install
 * step and one package ships all six grammars built together. Checked by
 * parsing with web-tree-sitter 0.25 to 0.27: these grammars (ABI 14/15) load,
 * while the older `tree-sitter-wasms` builds fail to load from 0.26 on.
 */
import { createRequire } from 'node:module';
import { Language, Parser, Query, type Node, type Tree } from 'web-tree-sitter';
import type { LanguageSpec } from './languages.js';

export const DEFINITION_KINDS = [
  'function',
  'method',
  'class',
  'interface',
  'type',
  'enum',
  'struct',
  'module',
  'macro',
  'constant',
] as const;

export type DefinitionKind = (typeof DEFINITION_KINDS)[number];

export interface Definition {
  name: string;
  kind: DefinitionKind;
  /** 1-based, inclusive. */
  line: number;
  endLine: number;
  /** The definition's first source line, trimmed and shortened. */
  signature: string;
}

export interface Reference {
  name: string;
  line: number;
}

export interface FileTags {
  definitions: Definition[];
  references: Reference[];
}

interface LoadedLanguage {
  parser: Parser;
  definitions: Query;
}

const SIGNATURE_MAX_CHARS = 160;
const require = createRequire(import.meta.url);
let runtime: Promise<void> | undefined;
/** Grammars load on first use, so a repository only pays for the languages it contains. */
const grammars = new Map<string, Promise<Parser>>();
const loaded = new Map<string, Promise<LoadedLanguage>>();

/** The parser of one grammar of @vscode/tree-sitter-wasm (`tree-sitter-bash.wasm`), loaded once. */
export function grammarParser(wasm: string): Promise<Parser> {
  let pending = grammars.get(wasm);
  if (!pending) {
    pending = (async () => {
      runtime ??= Parser.init();
      await runtime;
      const parser = new Parser();
      parser.setLanguage(await Language.load(require.resolve(`@vscode/tree-sitter-wasm/wasm/${wasm}`)));
      return parser;
    })();
    grammars.set(wasm, pending);
  }
  return pending;
}

function load(spec: LanguageSpec): Promise<LoadedLanguage> {
  let pending = loaded.get(spec.id);
  if (!pending) {
    pending = (async () => {
      const parser = await grammarParser(spec.wasm);
      return { parser, definitions: new Query(parser.language!, spec.definitions) };
    })();
    loaded.set(spec.id, pending);
  }
  return pending;
}

/** The syntax tree of one source file; the caller deletes it. */
export async function parseSource(spec: LanguageSpec, source: string): Promise<Tree | null> {
  return (await load(spec)).parser.parse(source);
}

/** Definitions (functions, classes, methods, types) and identifier references of one source file. */
export async function parseTags(spec: LanguageSpec, source: string): Promise<FileTags> {
  const language = await load(spec);
  const tree = language.parser.parse(source);
  if (!tree) return { definitions: [], references: [] };
  try {
    const lines = source.split('\n');
    const definitions = new Map<number, Definition>();
    const nameNodes = new Set<number>();
    for (const match of language.definitions.matches(tree.rootNode)) {
      const nameNode = match.captures.find((capture) => capture.name === 'name')?.node;
      const defCapture = match.captures.find((capture) => capture.name.startsWith('definition.'));
      if (!nameNode || !defCapture) continue;
      const node = defCapture.node;
      let kind = defCapture.name.slice('definition.'.length) as DefinitionKind;
      if (kind === 'function' && hasAncestor(node, spec.methodContainers)) kind = 'method';
      const line = node.startPosition.row + 1;
      const candidate = { name: nameNode.text, kind, line, endLine: node.endPosition.row + 1 };
      const existing = definitions.get(nameNode.startIndex);
      if (existing && !outranks(candidate, existing)) continue;
      nameNodes.add(nameNode.startIndex);
      definitions.set(nameNode.startIndex, { ...candidate, signature: signatureOf(lines[line - 1] ?? '') });
    }
    const references: Reference[] = [];
    const seen = new Set<string>();
    // A walk in the grammar's own code: half the cost of a query capturing the same nodes.
    for (const node of tree.rootNode.descendantsOfType(spec.identifierTypes)) {
      if (nameNodes.has(node.startIndex)) continue;
      const line = node.startPosition.row + 1;
      const key = `${line}:${node.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      references.push({ name: node.text, line });
    }
    return { definitions: [...definitions.values()].sort((a, b) => a.line - b.line), references };
  } finally {
    tree.delete();
  }
}

/**
 * One name can match several patterns: `const f = () => …` is a constant and a
 * function, `exports.f = function` is an export and a method, a decorated
 * Python function is matched with and without its decorators. A function beats
 * a constant; otherwise the wider match (decorators included) wins.
 */
function outranks(candidate: Omit<Definition, 'signature'>, existing: Definition): boolean {
  if ((candidate.kind === 'constant') !== (existing.kind === 'constant')) return existing.kind === 'constant';
  return candidate.line < existing.line;
}

function hasAncestor(node: Node, types: string[]): boolean {
  if (types.length === 0) return false;
  for (let current = node.parent; current; current = current.parent) {
    if (types.includes(current.type)) return true;
  }
  return false;
}

function signatureOf(line: string): string {
  const trimmed = line.trim();
  return trimmed.length > SIGNATURE_MAX_CHARS ? `${trimmed.slice(0, SIGNATURE_MAX_CHARS - 1)}…` : trimmed;
}

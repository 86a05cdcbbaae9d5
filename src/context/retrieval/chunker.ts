import type { Definition } from './parser.js';

export interface ChunkRange {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The definition the chunk is, when it is one. */
  name?: string;
}

/** Definitions longer than this are covered by their members and line windows instead. */
const MAX_DEFINITION_LINES = 80;
const WINDOW_LINES = 40;

/**
 * Splits a file into search chunks: the innermost definitions (functions,
 * methods, small types) whole, and line windows over everything else (class
 * headers, fields, top-level code), each named after the definition that
 * encloses it. Every line is searchable and a hit points at a meaningful unit.
 */
export function chunkRanges(lines: string[], definitions: Definition[]): ChunkRange[] {
  const ordered = [...definitions].sort((a, b) => a.line - b.line || b.endLine - a.endLine);
  const chosen: ChunkRange[] = [];
  let coveredUntil = 0;
  ordered.forEach((definition, i) => {
    if (definition.line <= coveredUntil || definition.endLine - definition.line + 1 > MAX_DEFINITION_LINES)
      return;
    if (containsAnother(ordered, i)) return;
    chosen.push({ startLine: definition.line, endLine: definition.endLine, name: definition.name });
    coveredUntil = definition.endLine;
  });
  const chunks: ChunkRange[] = [];
  let line = 1;
  for (const chunk of [...chosen, { startLine: lines.length + 1, endLine: lines.length + 1 }]) {
    for (; line < chunk.startLine; line += WINDOW_LINES) {
      const endLine = Math.min(chunk.startLine - 1, line + WINDOW_LINES - 1);
      if (!lines.slice(line - 1, endLine).some((text) => text.trim() !== '')) continue;
      const name = enclosingName(ordered, line);
      chunks.push(name === undefined ? { startLine: line, endLine } : { startLine: line, endLine, name });
    }
    if (chunk.startLine <= lines.length) chunks.push(chunk);
    line = chunk.endLine + 1;
  }
  return chunks;
}

/** Whether the definition at `index` (in start order) has another definition nested inside it. */
function containsAnother(ordered: Definition[], index: number): boolean {
  const outer = ordered[index]!;
  for (let i = index + 1; i < ordered.length && ordered[i]!.line <= outer.endLine; i++) {
    const inner = ordered[i]!;
    if (inner.endLine <= outer.endLine && (inner.line !== outer.line || inner.endLine !== outer.endLine))
      return true;
  }
  return false;
}

function enclosingName(ordered: Definition[], line: number): string | undefined {
  let name: string | undefined;
  for (const definition of ordered) {
    if (definition.line > line) break;
    if (definition.endLine >= line) name = definition.name;
  }
  return name;
}

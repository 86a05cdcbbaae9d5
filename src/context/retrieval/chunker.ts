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
 * Splits a file into search chunks: whole definitions (functions, classes)
 * where they are small enough, and line windows over everything else, so
 * every line is searchable and a hit points at a meaningful unit.
 */
export function chunkRanges(lines: string[], definitions: Definition[]): ChunkRange[] {
  const chosen: ChunkRange[] = [];
  const ordered = [...definitions].sort((a, b) => a.line - b.line || b.endLine - a.endLine);
  let coveredUntil = 0;
  for (const definition of ordered) {
    if (definition.line <= coveredUntil) continue;
    if (definition.endLine - definition.line + 1 > MAX_DEFINITION_LINES) continue;
    chosen.push({ startLine: definition.line, endLine: definition.endLine, name: definition.name });
    coveredUntil = definition.endLine;
  }
  const chunks: ChunkRange[] = [];
  let line = 1;
  for (const chunk of [...chosen, { startLine: lines.length + 1, endLine: lines.length + 1 }]) {
    for (; line < chunk.startLine; line += WINDOW_LINES) {
      const endLine = Math.min(chunk.startLine - 1, line + WINDOW_LINES - 1);
      if (lines.slice(line - 1, endLine).some((text) => text.trim() !== ''))
        chunks.push({ startLine: line, endLine });
    }
    if (chunk.startLine <= lines.length) chunks.push(chunk);
    line = chunk.endLine + 1;
  }
  return chunks;
}

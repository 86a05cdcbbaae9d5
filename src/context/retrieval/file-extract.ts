import path from 'node:path';
import { chunkRanges, type ChunkRange } from './chunker.js';
import { languageOf, type LanguageSpec } from './languages.js';
import { parseTags, type Definition, type FileTags, type Reference } from './parser.js';
import { isBinary } from '../../fs/visibility/binary.js';
import { containsSecret } from '../../fs/visibility/secrets.js';
import { readConfinedSync } from '../../fs/confined.js';
import { MAX_FILE_BYTES, type ChangedFile } from './merkle.js';
import { termsOf } from './tokenize.js';
import { debugLog } from '../../core/debug-log.js';

export const EXCLUSION_REASONS = ['binary', 'large', 'secret'] as const;

export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface IndexedChunk extends ChunkRange {
  /**
   * Search terms of the chunk, space-separated and sorted, so counting them is
   * one pass over runs (compact to keep, to persist and to pass between threads).
   */
  terms: string;
}

/**
 * A file's identifier uses, one per name and line: the names space-separated,
 * the line of each by position. Far smaller than an object per use, to keep,
 * to persist and to pass between threads.
 */
export interface References {
  names: string;
  lines: number[];
}

/** What the index knows of one file: plain data, the same whichever thread extracted it. */
export interface FileRecord {
  language?: string;
  excluded?: ExclusionReason;
  definitions: Definition[];
  references: References;
  chunks: IndexedChunk[];
}

export function referenceNames(references: References): string[] {
  return references.names === '' ? [] : references.names.split(' ');
}

/**
 * Reads one changed file (confined, bounded) and extracts its record: the
 * syntax tree lives only inside this call. Undefined when the file is no
 * longer a readable regular file; the next sync sees what it became.
 */
export async function extractFile(root: string, file: ChangedFile): Promise<FileRecord | undefined> {
  const empty = { definitions: [], references: { names: '', lines: [] }, chunks: [] };
  if (file.large) return { ...empty, excluded: 'large' };
  const content = readConfinedSync(root, path.join(root, file.path), MAX_FILE_BYTES);
  if (!content) return undefined;
  if (isBinary(content)) return { ...empty, excluded: 'binary' };
  const text = content.toString('utf8');
  if (containsSecret(text)) return { ...empty, excluded: 'secret' };
  const language = languageOf(file.path);
  const lines = text.split('\n');
  const tags =
    language && !isMinified(text, lines)
      ? await parseTagsOrNothing(language, text)
      : { definitions: [], references: [] };
  const chunks = chunkRanges(lines, tags.definitions).map((range) => ({
    ...range,
    terms: termsOf(lines.slice(range.startLine - 1, range.endLine).join('\n'))
      .sort()
      .join(' '),
  }));
  return {
    ...(language ? { language: language.id } : {}),
    definitions: tags.definitions,
    references: compact(tags.references),
    chunks,
  };
}

/**
 * Minified or generated code (a bundle's few enormous lines): its definitions
 * are one-letter names that crowd the map, and its syntax tree costs a parse
 * worker tens of megabytes and a second of CPU. It stays searchable by lines.
 */
const MINIFIED_LINE_CHARS = 300;

function isMinified(text: string, lines: string[]): boolean {
  return text.length / lines.length > MINIFIED_LINE_CHARS;
}

function compact(references: Reference[]): References {
  const kept = references.filter((reference) => !/\s/.test(reference.name));
  return {
    names: kept.map((reference) => reference.name).join(' '),
    lines: kept.map((reference) => reference.line),
  };
}

/** A grammar that fails on a file costs that file its definitions, not the whole index: it is still searchable by lines. */
async function parseTagsOrNothing(language: LanguageSpec, text: string): Promise<FileTags> {
  try {
    return await parseTags(language, text);
  } catch (error) {
    debugLog.swallowed('retrieval: parsing definitions', error);
    return { definitions: [], references: [] };
  }
}

import { z } from 'zod';
import { DEFINITION_KINDS } from './parser.js';
import { EXCLUSION_REASONS, referenceNames } from './file-extract.js';
import { SNAPSHOT_VERSION, type IndexSnapshot } from './repo-index.js';

/**
 * A cached index is read back from the user's cache directory, which anything
 * running as the user (the sandbox too, when the workspace contains it) may
 * have rewritten. It is used only if it has exactly the expected shape and
 * names nothing outside the repository: every path relative, normalised,
 * without '..' or NUL, every directory entry a single name, every record a
 * file of the tree. Anything else is a reason to rebuild, never to trust.
 */

/** Whether `relative` is a normalised path inside the root: non-empty components, no '.', '..' or NUL. */
function isConfinedPath(relative: string): boolean {
  return relative
    .split('/')
    .every((part) => part !== '' && part !== '.' && part !== '..' && !part.includes('\0'));
}

const filePath = z.string().refine(isConfinedPath, 'not a normalised relative path');
/** The root directory is ''. */
const dirPath = z
  .string()
  .refine((dir) => dir === '' || isConfinedPath(dir), 'not a normalised relative path');
const entryName = z
  .string()
  .refine((name) => !name.includes('/') && isConfinedPath(name), 'not a plain name');
const line = z.number().int().nonnegative();

const snapshotSchema = z
  .object({
    version: z.literal(SNAPSHOT_VERSION),
    tree: z.object({
      files: z.record(
        filePath,
        z.object({ size: z.number().nonnegative(), mtimeMs: z.number(), hash: z.string() }),
      ),
      dirs: z.record(
        dirPath,
        z.object({
          mtimeMs: z.number(),
          files: z.array(entryName),
          dirs: z.array(entryName),
          hash: z.string(),
        }),
      ),
    }),
    records: z.record(
      filePath,
      z.object({
        language: z.string().optional(),
        excluded: z.enum(EXCLUSION_REASONS).optional(),
        definitions: z.array(
          z.object({
            name: z.string(),
            kind: z.enum(DEFINITION_KINDS),
            line,
            endLine: line,
            signature: z.string(),
          }),
        ),
        references: z
          .object({ names: z.string(), lines: z.array(line) })
          .refine((uses) => referenceNames(uses).length === uses.lines.length, 'a name without a line'),
        chunks: z.array(
          z.object({ startLine: line, endLine: line, name: z.string().optional(), terms: z.string() }),
        ),
      }),
    ),
  })
  .refine(
    (snapshot) => Object.keys(snapshot.records).every((file) => Object.hasOwn(snapshot.tree.files, file)),
    'a record for a file the tree does not hold',
  );

/** The snapshot when it can be trusted, else why not. */
export function checkSnapshot(value: unknown): { snapshot: IndexSnapshot } | { problem: string } {
  const result = snapshotSchema.safeParse(value);
  if (result.success) return { snapshot: result.data };
  const issue = result.error.issues[0];
  return { problem: issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'invalid' };
}

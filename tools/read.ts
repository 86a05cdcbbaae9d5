import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FileRefused, readConfined } from '../src/fs/confined.js';
import { isInside } from '../src/fs/paths.js';
import { isBinary } from '../src/fs/visibility/binary.js';
import { SIZE_LIMITS } from '../src/fs/visibility/limits.js';
import { walkVisible } from '../src/fs/visibility/walk.js';
import { formatBytes, truncateLine } from './output-cap.js';
import { ToolError, ok, visibilityOf, type Tool, type ToolContext } from './tool.js';
import type { Workspace } from './workspace.js';
import type { Visibility } from '../src/fs/visibility/policy.js';

const DEFAULT_LIMIT = 2000;
const MAX_LINE_CHARS = 2000;
/** Keeps one read from flooding the context even when lines are long. */
const MAX_OUTPUT_CHARS = 100_000;
const MAX_SUGGESTIONS = 5;
/** Bounds the walk for suggestions in very large repositories. */
const SUGGESTION_WALK_LIMIT = 50_000;

const schema = z.object({
  path: z.string().describe('File to read, relative to the repository root.'),
  offset: z.number().int().min(1).optional().describe('First line to show (1-based). Default: 1.'),
  limit: z.number().int().min(1).optional().describe(`How many lines to show. Default: ${DEFAULT_LIMIT}.`),
});

export const readTool: Tool<typeof schema> = {
  name: 'read',
  description:
    'Read a text file with line numbers (like `cat -n`). Long files are shown in pages of ' +
    `${DEFAULT_LIMIT} lines; use offset and limit to read further. Reading a file is required before editing it.`,
  schema,
  kind: 'read',
  title: (args) => `read ${args.path}${args.offset ? `:${args.offset}` : ''}`,
  async run(args, ctx) {
    const { workspace } = ctx;
    const visibility = visibilityOf(ctx);
    const absolute = workspace.resolve(args.path);
    const shown = await visibleName(visibility, workspace, absolute);
    let content: Buffer;
    try {
      content = await readConfined(workspace.root, absolute, {
        maxBytes: SIZE_LIMITS.read,
        shown: args.path,
      });
    } catch (error) {
      if (error instanceof FileRefused) throw new ToolError(await refusalMessage(error, args.path, ctx));
      throw error;
    }
    if (isBinary(content)) {
      throw new ToolError(
        `${args.path} is a binary file (${formatBytes(content.length)}); read only shows text files`,
      );
    }
    ctx.workspace.recordRead(absolute, content);
    const { text, hidden } = visibility.redact(shown, content.toString('utf8'));
    const page = numberedPage(text, args.offset ?? 1, args.limit ?? DEFAULT_LIMIT);
    return ok(hidden > 0 ? `${page}\n\n(${visibility.redactionNote(hidden)})` : page);
  },
};

/**
 * The file's path as the policy judges it, or a ToolError when the policy
 * refuses it. A link inside the workspace is judged by its target too
 * (notes.txt -> .env is .env).
 */
async function visibleName(visibility: Visibility, workspace: Workspace, absolute: string): Promise<string> {
  const judge = visibility.judge('named');
  const requested = workspace.relative(absolute);
  const real = await realpath(absolute).catch(() => absolute);
  const target = isInside(workspace.root, real) ? workspace.relative(real) : requested;
  const refusal = judge(requested) ?? judge(target);
  if (refusal) throw new ToolError(refusal);
  return target;
}

async function refusalMessage(error: FileRefused, requested: string, ctx: ToolContext): Promise<string> {
  switch (error.reason) {
    case 'missing':
      return missingFileMessage(ctx.workspace, requested, visibilityOf(ctx));
    case 'directory':
      return `${requested} is a directory; use list to see its files`;
    case 'not-regular':
      return `${requested} is not a regular file (a FIFO, socket or device); read only shows regular files`;
    case 'too-large':
      return `${requested} is ${formatBytes(error.size ?? 0)}, too large to read; use search, or terminal with head/sed/grep`;
    case 'outside':
    case 'protected':
      return error.message;
  }
}

/** Lines `offset`.. with `cat -n` style numbers, and a note on how to continue when the page ends early. */
function numberedPage(text: string, offset: number, limit: number): string {
  if (text === '') return '(empty file)';
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  if (offset > lines.length) {
    throw new ToolError(`offset ${offset} is past the end of the file, which has ${lines.length} lines`);
  }
  const shown: string[] = [];
  let chars = 0;
  let next = offset;
  const end = Math.min(lines.length, offset - 1 + limit);
  while (next <= end && (shown.length === 0 || chars < MAX_OUTPUT_CHARS)) {
    const line = `${String(next).padStart(6)}\t${truncateLine(lines[next - 1]!.replace(/\r$/, ''), MAX_LINE_CHARS)}`;
    shown.push(line);
    chars += line.length + 1;
    next++;
  }
  const last = next - 1;
  if (offset === 1 && last === lines.length) return shown.join('\n');
  const more = last < lines.length ? `; call read with offset ${last + 1} to continue` : '';
  return `${shown.join('\n')}\n\n(lines ${offset}-${last} of ${lines.length}${more})`;
}

async function missingFileMessage(
  workspace: Workspace,
  requested: string,
  visibility: Visibility,
): Promise<string> {
  const similar = await similarPaths(workspace, requested, visibility);
  const hint = similar.length ? `; similar paths: ${similar.join(', ')}` : '; use list or search to find it';
  return `${requested} does not exist${hint}`;
}

/** Files with the same name (ignoring case) or the same name without extension, among those the policy shows. */
async function similarPaths(
  workspace: Workspace,
  requested: string,
  visibility: Visibility,
): Promise<string[]> {
  const wanted = path.basename(requested).toLowerCase();
  const wantedStem = stem(wanted);
  const found: string[] = [];
  let walked = 0;
  for await (const file of walkVisible(visibility, workspace.root)) {
    const name = path.basename(file.relative).toLowerCase();
    if (name === wanted || stem(name) === wantedStem) found.push(file.relative);
    if (found.length >= MAX_SUGGESTIONS || ++walked >= SUGGESTION_WALK_LIMIT) break;
  }
  return found;
}

function stem(name: string): string {
  const ext = path.extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}

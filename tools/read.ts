import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { walkFiles } from './gitignore.js';
import { formatBytes, truncateLine } from './output-cap.js';
import { ToolError, ok, type Tool } from './tool.js';
import type { Workspace } from './workspace.js';

const DEFAULT_LIMIT = 2000;
const MAX_LINE_CHARS = 2000;
/** Keeps one read from flooding the context even when lines are long. */
const MAX_OUTPUT_CHARS = 100_000;
const MAX_FILE_BYTES = 50 * 1024 * 1024;
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
    const absolute = ctx.workspace.resolve(args.path);
    const info = await stat(absolute).catch(async () => {
      throw new ToolError(await missingFileMessage(ctx.workspace, args.path));
    });
    if (info.isDirectory()) throw new ToolError(`${args.path} is a directory; use list to see its files`);
    if (info.size > MAX_FILE_BYTES) {
      throw new ToolError(
        `${args.path} is ${formatBytes(info.size)}, too large to read; use search, or terminal with head/sed/grep`,
      );
    }
    const content = await readFile(absolute);
    if (content.subarray(0, 8000).includes(0)) {
      throw new ToolError(
        `${args.path} is a binary file (${formatBytes(content.length)}); read only shows text files`,
      );
    }
    ctx.workspace.recordRead(absolute, content);
    return ok(numberedPage(content.toString('utf8'), args.offset ?? 1, args.limit ?? DEFAULT_LIMIT));
  },
};

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

async function missingFileMessage(workspace: Workspace, requested: string): Promise<string> {
  const similar = await similarPaths(workspace, requested);
  const hint = similar.length ? `; similar paths: ${similar.join(', ')}` : '; use list or search to find it';
  return `${requested} does not exist${hint}`;
}

/** Files with the same name (ignoring case) or the same name without extension, anywhere in the repository. */
async function similarPaths(workspace: Workspace, requested: string): Promise<string[]> {
  const wanted = path.basename(requested).toLowerCase();
  const wantedStem = stem(wanted);
  const found: string[] = [];
  let walked = 0;
  for await (const file of walkFiles(workspace.root, workspace.root)) {
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

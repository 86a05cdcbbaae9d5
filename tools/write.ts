import { z } from 'zod';
import { FileRefused, lstatConfined, readConfined } from '../src/fs/confined.js';
import { isBinary } from '../src/fs/visibility/binary.js';
import { countChanges, unifiedDiff } from './file-diff.js';
import { plural } from './output-cap.js';
import type { Tool } from './tool.js';
import type { Workspace } from './workspace.js';

/** Bigger files are replaced without a diff of what they held (it would be too long to read anyway). */
const MAX_DIFF_BYTES = 1024 * 1024;

const schema = z.object({
  path: z.string().describe('File to create or overwrite, relative to the repository root.'),
  content: z.string().describe('The complete new content of the file.'),
});

export const writeTool: Tool<typeof schema> = {
  name: 'write',
  description:
    'Create a file, or replace a file entirely, with the given content (parent directories are created). ' +
    'Prefer edit for changing part of an existing file.',
  schema,
  kind: 'edit',
  title: (args) => `write ${args.path}`,
  async preview(args, ctx) {
    const absolute = ctx.workspace.resolveForWrite(args.path);
    return unifiedDiff(
      ctx.workspace.relative(absolute),
      await currentText(ctx.workspace, absolute),
      args.content,
    );
  },
  async run(args, ctx) {
    const absolute = ctx.workspace.resolveForWrite(args.path);
    // Only for the wording and the diff; the write itself checks what it finds.
    const existed = (await lstatConfined(ctx.workspace.root, absolute).catch(() => undefined)) !== undefined;
    const before = existed ? await currentText(ctx.workspace, absolute) : '';
    await ctx.workspace.writeFile(absolute, args.content);
    ctx.workspace.recordRead(absolute, Buffer.from(args.content, 'utf8'));
    const rel = ctx.workspace.relative(absolute);
    const lines = plural(countLines(args.content), 'line');
    const diff = unifiedDiff(rel, before, args.content);
    return {
      output: existed ? `Overwrote ${rel} (${lines}).` : `Created ${rel} (${lines}).`,
      isError: false,
      detail: { kind: 'diff', path: rel, diff, ...countChanges(diff) },
    };
  },
};

/** The file's text for a diff: '' when it does not exist, or is too big or binary to diff usefully. */
async function currentText(workspace: Workspace, absolute: string): Promise<string> {
  try {
    const content = await readConfined(workspace.root, absolute, { maxBytes: MAX_DIFF_BYTES });
    return isBinary(content) ? '' : content.toString('utf8');
  } catch (error) {
    if (error instanceof FileRefused) return '';
    throw error;
  }
}

function countLines(content: string): number {
  if (content === '') return 0;
  const newlines = content.split('\n').length - 1;
  return content.endsWith('\n') ? newlines : newlines + 1;
}

import { z } from 'zod';
import { lstatConfined } from '../src/fs/confined.js';
import { plural } from './output-cap.js';
import { ok, type Tool } from './tool.js';

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
  readOnly: false,
  async run(args, ctx) {
    const absolute = ctx.workspace.resolveForWrite(args.path);
    // Only for the wording of the answer; the write itself checks what it finds.
    const existed = (await lstatConfined(ctx.workspace.root, absolute).catch(() => undefined)) !== undefined;
    await ctx.workspace.writeFile(absolute, args.content);
    ctx.workspace.recordRead(absolute, Buffer.from(args.content, 'utf8'));
    const rel = ctx.workspace.relative(absolute);
    const lines = plural(countLines(args.content), 'line');
    return ok(existed ? `Overwrote ${rel} (${lines}).` : `Created ${rel} (${lines}).`);
  },
};

function countLines(content: string): number {
  if (content === '') return 0;
  const newlines = content.split('\n').length - 1;
  return content.endsWith('\n') ? newlines : newlines + 1;
}

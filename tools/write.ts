import { mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from './atomic-write.js';
import { plural } from './output-cap.js';
import { ToolError, ok, type Tool } from './tool.js';

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
    const absolute = ctx.workspace.resolve(args.path);
    const existing = await stat(absolute).catch(() => null);
    if (existing?.isDirectory()) throw new ToolError(`${args.path} is a directory; give a file path`);
    // Write through a symlink (already confined by resolve) rather than replacing the link itself.
    const destination = existing ? await realpath(absolute) : absolute;
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFileAtomically(destination, args.content);
    ctx.workspace.recordRead(absolute, Buffer.from(args.content, 'utf8'));
    const rel = ctx.workspace.relative(absolute);
    const lines = plural(countLines(args.content), 'line');
    return ok(existing ? `Overwrote ${rel} (${lines}).` : `Created ${rel} (${lines}).`);
  },
};

function countLines(content: string): number {
  if (content === '') return 0;
  const newlines = content.split('\n').length - 1;
  return content.endsWith('\n') ? newlines : newlines + 1;
}

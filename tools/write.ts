import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from './atomic-write.js';
import { countChanges, unifiedDiff } from './file-diff.js';
import { plural } from './output-cap.js';
import { ToolError, type Tool } from './tool.js';

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
    const absolute = ctx.workspace.resolve(args.path);
    return unifiedDiff(ctx.workspace.relative(absolute), (await currentText(absolute)) ?? '', args.content);
  },
  async run(args, ctx) {
    const absolute = ctx.workspace.resolve(args.path);
    const existing = await stat(absolute).catch(() => null);
    if (existing?.isDirectory()) throw new ToolError(`${args.path} is a directory; give a file path`);
    const before = existing ? await currentText(absolute) : '';
    // Write through a symlink (already confined by resolve) rather than replacing the link itself.
    const destination = existing ? await realpath(absolute) : absolute;
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFileAtomically(destination, args.content);
    ctx.workspace.recordRead(absolute, Buffer.from(args.content, 'utf8'));
    const rel = ctx.workspace.relative(absolute);
    const lines = plural(countLines(args.content), 'line');
    const diff = unifiedDiff(rel, before ?? '', args.content);
    return {
      output: existing ? `Overwrote ${rel} (${lines}).` : `Created ${rel} (${lines}).`,
      isError: false,
      detail: { kind: 'diff', path: rel, diff, ...countChanges(diff) },
    };
  },
};

/** The file's text for a diff, or undefined when it does not exist or is too big to diff usefully. */
async function currentText(absolute: string): Promise<string | undefined> {
  const info = await stat(absolute).catch(() => null);
  if (!info?.isFile() || info.size > MAX_DIFF_BYTES) return undefined;
  return readFile(absolute, 'utf8');
}

function countLines(content: string): number {
  if (content === '') return 0;
  const newlines = content.split('\n').length - 1;
  return content.endsWith('\n') ? newlines : newlines + 1;
}

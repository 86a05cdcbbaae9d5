import { z } from 'zod';
import { FileRefused, readConfined } from '../../src/fs/confined.js';
import { formatBytes } from '../output-cap.js';
import { fail, ok, ToolError, type Tool } from '../tool.js';
import { refusalAsToolError, type Workspace } from '../workspace.js';
import { applyCheckedEdit } from './apply-edit.js';
import { decodeText, encodeText } from './text-format.js';

/**
 * The largest file edit works on. The matcher holds several copies of the text
 * (decoded, normalised, the result, the diff) and its tolerant passes scan it
 * repeatedly, so a bigger file would cost seconds and hundreds of megabytes for
 * one call; source files are far smaller, and the terminal handles the rest.
 */
const MAX_EDIT_BYTES = 10 * 1024 * 1024;

const schema = z.object({
  path: z.string().describe('File to change, relative to the repository root.'),
  old_string: z
    .string()
    .describe(
      'Text to replace, copied from the file including enough surrounding lines to be unique. Empty to create a new file.',
    ),
  new_string: z.string().describe('Text to put in its place.'),
  replace_all: z
    .boolean()
    .optional()
    .describe('Replace every occurrence of old_string instead of requiring exactly one.'),
});

export const editTool: Tool<typeof schema> = {
  name: 'edit',
  description:
    'Replace old_string with new_string in a file you have read. old_string must match exactly one place ' +
    '(whitespace and indentation differences are tolerated; the file keeps its own indentation, line endings and encoding). ' +
    'Set replace_all to change every occurrence. An empty old_string creates a new file with new_string as its content.',
  schema,
  readOnly: false,
  async run(args, ctx) {
    const absolute = ctx.workspace.resolveForWrite(args.path);
    const shown = ctx.workspace.relative(absolute);
    const existing = await readExisting(ctx.workspace.root, absolute, shown);
    if (existing === null) return create(absolute, shown, args, ctx.workspace);
    if (existing.length > 0) {
      const stale = ctx.workspace.staleReason(absolute, existing);
      if (stale) return fail(`Edit refused: ${stale}.`);
    }
    const decoded = decodeText(existing, shown);
    const outcome = await applyCheckedEdit(
      absolute,
      decoded.text,
      args.old_string,
      args.new_string,
      args.replace_all ?? false,
    );
    if (!outcome.ok) return fail(`Edit of ${shown} refused: ${outcome.message}`);
    const bytes = encodeText({ text: outcome.content, bom: decoded.bom });
    await ctx.workspace.writeFile(absolute, bytes);
    ctx.workspace.recordRead(absolute, bytes);
    const count = outcome.replacements > 1 ? `${outcome.replacements} occurrences` : '1 occurrence';
    const note = outcome.note ? ` (${outcome.note})` : '';
    return ok(`Edited ${shown}: replaced ${count}${note}.\n${outcome.diff}`);
  },
};

/** The file's bytes, or null when it does not exist yet. A FIFO or device is refused at once, never waited on. */
async function readExisting(root: string, absolute: string, shown: string): Promise<Buffer | null> {
  try {
    return await readConfined(root, absolute, { maxBytes: MAX_EDIT_BYTES, shown });
  } catch (error) {
    if (!(error instanceof FileRefused)) throw error;
    if (error.reason === 'missing') return null;
    if (error.reason === 'directory') throw new ToolError(`${shown} is a directory, not a file`);
    if (error.reason === 'too-large')
      throw new ToolError(
        `${shown} is ${formatBytes(error.size ?? 0)}; edit works on files up to ${formatBytes(MAX_EDIT_BYTES)}. ` +
          'Change it with a command in the terminal (sed, a script) or write it whole.',
      );
    throw refusalAsToolError(error, shown);
  }
}

async function create(absolute: string, shown: string, args: z.infer<typeof schema>, workspace: Workspace) {
  if (args.old_string !== '') {
    return fail(
      `${shown} does not exist. To create it, call edit with an empty old_string and the full content as new_string.`,
    );
  }
  const bytes = Buffer.from(args.new_string, 'utf8');
  await workspace.writeFile(absolute, bytes);
  workspace.recordRead(absolute, bytes);
  const lines = args.new_string === '' ? 0 : args.new_string.replace(/\n$/, '').split('\n').length;
  return ok(`Created ${shown} (${lines} line${lines === 1 ? '' : 's'}).`);
}

import { z } from 'zod';
import { FileRefused, readConfined } from '../../src/fs/confined.js';
import { formatBytes } from '../output-cap.js';
import { fail, ToolError, type Tool } from '../tool.js';
import { refusalAsToolError, type Workspace } from '../workspace.js';
import { applyCheckedEdit } from './apply-edit.js';
import { decodeText, encodeText } from './text-format.js';
import { countChanges, unifiedDiff } from '../file-diff.js';

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
  kind: 'edit',
  title: (args) => `edit ${args.path}`,
  async preview(args, ctx) {
    const plan = await planEdit(args, ctx.workspace);
    if ('refusal' in plan) throw new ToolError(plan.refusal);
    return plan.diff;
  },
  async run(args, ctx) {
    const plan = await planEdit(args, ctx.workspace);
    if ('refusal' in plan) return fail(plan.refusal);
    await ctx.workspace.writeFile(plan.absolute, plan.bytes);
    ctx.workspace.recordRead(plan.absolute, plan.bytes);
    return {
      output: plan.summary,
      isError: false,
      detail: { kind: 'diff', path: plan.shown, diff: plan.diff, ...countChanges(plan.diff) },
    };
  },
};

/** What an edit would write, computed without writing: the run writes it, an approval shows its diff. */
type EditPlan =
  | { refusal: string }
  | { absolute: string; shown: string; bytes: Buffer; created: boolean; summary: string; diff: string };

async function planEdit(args: z.infer<typeof schema>, workspace: Workspace): Promise<EditPlan> {
  const absolute = workspace.resolveForWrite(args.path);
  const shown = workspace.relative(absolute);
  const existing = await readExisting(workspace.root, absolute, shown);
  if (existing === null) {
    if (args.old_string !== '') {
      return {
        refusal: `${shown} does not exist. To create it, call edit with an empty old_string and the full content as new_string.`,
      };
    }
    const lines = args.new_string === '' ? 0 : args.new_string.replace(/\n$/, '').split('\n').length;
    return {
      absolute,
      shown,
      bytes: Buffer.from(args.new_string, 'utf8'),
      created: true,
      summary: `Created ${shown} (${lines} line${lines === 1 ? '' : 's'}).`,
      diff: unifiedDiff(shown, '', args.new_string),
    };
  }
  if (existing.length > 0) {
    const stale = workspace.staleReason(absolute, existing);
    if (stale) return { refusal: `Edit refused: ${stale}.` };
  }
  const decoded = decodeText(existing, shown);
  const outcome = await applyCheckedEdit(
    absolute,
    decoded.text,
    args.old_string,
    args.new_string,
    args.replace_all ?? false,
  );
  if (!outcome.ok) return { refusal: `Edit of ${shown} refused: ${outcome.message}` };
  const count = outcome.replacements > 1 ? `${outcome.replacements} occurrences` : '1 occurrence';
  const note = outcome.note ? ` (${outcome.note})` : '';
  return {
    absolute,
    shown,
    bytes: encodeText({ text: outcome.content, bom: decoded.bom }),
    created: false,
    summary: `Edited ${shown}: replaced ${count}${note}.\n${outcome.diff}`,
    diff: unifiedDiff(shown, decoded.text, outcome.content),
  };
}

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

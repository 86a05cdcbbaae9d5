import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../atomic-write.js';
import { fail, ToolError, type Tool } from '../tool.js';
import type { Workspace } from '../workspace.js';
import { applyCheckedEdit } from './apply-edit.js';
import { decodeText, encodeText } from './text-format.js';
import { countChanges, unifiedDiff } from '../file-diff.js';

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
    if (plan.created) await mkdir(path.dirname(plan.absolute), { recursive: true });
    await writeFileAtomically(plan.created ? plan.absolute : await realpath(plan.absolute), plan.bytes);
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
  const absolute = workspace.resolve(args.path);
  const shown = workspace.relative(absolute);
  const existing = await readExisting(absolute, shown);
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

/** The file's bytes, or null when it does not exist yet. */
async function readExisting(absolute: string, shown: string): Promise<Buffer | null> {
  try {
    if ((await stat(absolute)).isDirectory()) throw new ToolError(`${shown} is a directory, not a file`);
    return await readFile(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

import { readTool } from '../../tools/read.js';
import type { ToolContext } from '../../tools/tool.js';
import { runTool } from '../orchestrator/tool-pipeline.js';

/** `@path` at the start or after whitespace; the path ends at whitespace or closing punctuation. */
const MENTION = /(?<=^|\s)@([^\s@`'"<>]+?)(?=[,.;:!?)\]]*(?:\s|$))/g;
/** A message mentioning more files than this gets the first ones inlined; the model can read the rest. */
const MAX_MENTIONS = 10;

/**
 * The message as the model gets it: each `@path` that names a file is
 * followed by the file's content, read through the read tool itself, so the
 * same confinement, visibility policy and size limits apply as when the model
 * reads it — and the file counts as read, so the model may edit it at once.
 * Mentions that cannot be attached stay plain text. Each mention is reported
 * (`report`): the user sees what the model got, and why a file did not go.
 */
export async function expandMentions(
  text: string,
  ctx: ToolContext,
  report: (line: string) => void,
): Promise<string> {
  const paths = [...new Set([...text.matchAll(MENTION)].map((match) => match[1]!))];
  const blocks: string[] = [];
  for (const file of paths.slice(0, MAX_MENTIONS)) {
    const result = await runTool(readTool, { path: file }, ctx);
    if (result.isError) {
      report(`not attached: @${file}: ${result.output.split('\n', 1)[0]}`);
      continue;
    }
    report(`attached ${file} (${linesOf(result.output)})`);
    blocks.push(`<file path="${file}">\n${result.output}\n</file>`);
  }
  if (paths.length > MAX_MENTIONS)
    report(
      `not attached: ${paths
        .slice(MAX_MENTIONS)
        .map((file) => `@${file}`)
        .join(', ')}: only the first ${MAX_MENTIONS} mentions are`,
    );
  return blocks.length === 0 ? text : `${text}\n\nFiles the user mentioned:\n${blocks.join('\n')}`;
}

/** How much of the file the read tool's page holds: `12 lines`, or `first 2000 of 5000 lines`. */
function linesOf(page: string): string {
  const partial = /\n\(lines \d+-(\d+) of (\d+)/.exec(page);
  if (partial) return `lines 1-${partial[1]} of ${partial[2]}`;
  const count = page.split('\n').filter((line) => /^ *\d+\t/.test(line)).length;
  return `${count} line${count === 1 ? '' : 's'}`;
}

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
 * Mentions of things that are not readable files stay plain text.
 */
export async function expandMentions(text: string, ctx: ToolContext): Promise<string> {
  const paths = [...new Set([...text.matchAll(MENTION)].map((match) => match[1]!))].slice(0, MAX_MENTIONS);
  const blocks: string[] = [];
  for (const file of paths) {
    const result = await runTool(readTool, { path: file }, ctx);
    if (!result.isError) blocks.push(`<file path="${file}">\n${result.output}\n</file>`);
  }
  return blocks.length === 0 ? text : `${text}\n\nFiles the user mentioned:\n${blocks.join('\n')}`;
}

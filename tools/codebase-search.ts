import { z } from 'zod';
import { requireRetriever } from './symbols.js';
import { ok, type Tool } from './tool.js';

const RESULT_LIMIT = 10;

const schema = z.object({
  query: z
    .string()
    .min(1)
    .describe(
      'What to find: an identifier (retryWithBackoff), words (where is the config file parsed), or both.',
    ),
});

export const codebaseSearchTool: Tool<typeof schema> = {
  name: 'codebase_search',
  description:
    'Ranked search over the code of the repository (functions, classes and other chunks) for a natural-language ' +
    'or identifier query. Use it to find where something is implemented when you do not know the file.',
  schema,
  kind: 'read',
  title: (args) => `codebase_search ${JSON.stringify(args.query)}`,
  async run(args, ctx) {
    const hits = await requireRetriever(ctx).search(args.query, RESULT_LIMIT);
    if (hits.length === 0) return ok(`No code matches "${args.query}". Try other words or an identifier.`);
    const blocks = hits.map((hit) => {
      const label = hit.name === undefined ? '' : ` (${hit.name})`;
      return `${hit.path}:${hit.startLine}-${hit.endLine}${label}\n${indent(hit.snippet)}`;
    });
    return ok(blocks.join('\n\n'));
  },
};

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

import { z } from 'zod';
import type { OutlineEntry, Retriever, SymbolsResult } from '../src/context/retrieval/retriever.js';
import { ToolError, ok, type Tool, type ToolContext } from './tool.js';

const schema = z
  .object({
    name: z
      .string()
      .min(1)
      .optional()
      .describe('Identifier to look up, for example parseConfig or UserService.'),
    path: z
      .string()
      .min(1)
      .optional()
      .describe('File path: alone, gives the outline of that file; with name, limits the lookup to it.'),
  })
  .refine((args) => args.name !== undefined || args.path !== undefined, {
    message: 'give a name, a path, or both',
  });

/** The code index the tools need, or an error the model can act on when the session has none. */
export function requireRetriever(ctx: ToolContext): Retriever {
  if (!ctx.retriever) {
    throw new ToolError(
      'The code index is not available in this session; use grep/glob and read files instead.',
    );
  }
  return ctx.retriever;
}

export const symbolsTool: Tool<typeof schema> = {
  name: 'symbols',
  description:
    'Find where a symbol is defined and used (name), or list the definitions in a file (path). ' +
    'Faster and more precise than grep for functions, classes, methods and types.',
  schema,
  kind: 'read',
  title: (args) =>
    args.name ? `symbols ${args.name}${args.path ? ` in ${args.path}` : ''}` : `outline ${args.path}`,
  async run(args, ctx) {
    const retriever = requireRetriever(ctx);
    const file =
      args.path === undefined ? undefined : ctx.workspace.relative(ctx.workspace.resolve(args.path));
    let answer;
    try {
      answer = await retriever.symbols({ name: args.name, path: file });
    } catch (error) {
      throw new ToolError((error as Error).message);
    }
    return ok(
      answer.kind === 'outline'
        ? formatOutline(answer.path, answer.outline)
        : formatSymbol(args.name!, answer),
    );
  },
};

function formatOutline(file: string, outline: OutlineEntry[]): string {
  if (outline.length === 0)
    return `${file}: no definitions found (unsupported language or no functions/classes).`;
  const lines = outline.map(
    (entry) => `${'  '.repeat(entry.depth)}${entry.line}: ${entry.kind} ${entry.name} — ${entry.signature}`,
  );
  return `${file}\n${lines.join('\n')}`;
}

function formatSymbol(name: string, result: SymbolsResult): string {
  const parts: string[] = [];
  if (result.definitions.length === 0) {
    const hint = result.suggestions.length > 0 ? ` Similar names: ${result.suggestions.join(', ')}.` : '';
    parts.push(`No definition of ${name} found.${hint}`);
  } else {
    parts.push(`Definitions of ${name}:`);
    for (const d of result.definitions)
      parts.push(`  ${d.path}:${d.line}-${d.endLine} ${d.kind}: ${d.signature}`);
  }
  if (result.referenceCount === 0) parts.push(`No references to ${name} found.`);
  else {
    const shown = result.references.length;
    const more = result.referenceCount > shown ? ` (showing ${shown} of ${result.referenceCount})` : '';
    parts.push(`References to ${name}${more}:`);
    for (const r of result.references) parts.push(`  ${r.path}:${r.line}: ${r.text}`);
  }
  return parts.join('\n');
}

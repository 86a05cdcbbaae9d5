import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { plural, truncateLine } from './output-cap.js';
import {
  gitGrep,
  nodeWalk,
  ripgrep,
  ruleFileNotices,
  type SearchBackend,
  type SearchOutcome,
  type SearchRequest,
} from './search-backends.js';
import { ToolError, ok, visibilityOf, type Tool } from './tool.js';

const MAX_MATCHES = 100;
const MAX_LINE_CHARS = 300;

/** Fastest first; the pure-Node walk always works. */
const BACKENDS: SearchBackend[] = [ripgrep, gitGrep, nodeWalk];

const schema = z.object({
  query: z.string().min(1).describe('Text to find (literal and case-sensitive unless regex / ignore_case).'),
  path: z
    .string()
    .optional()
    .describe(
      'Directory or file to search in, relative to the repository root. Default: the whole repository.',
    ),
  regex: z.boolean().optional().describe('Treat query as a regular expression.'),
  ignore_case: z.boolean().optional().describe('Match regardless of letter case.'),
});

export const searchTool: Tool<typeof schema> = {
  name: 'search',
  description:
    'Search file contents in the repository (honours .gitignore and .agentignore; files that look like credentials are ' +
    `skipped). Returns matching lines as \`path:line: text\`, at most ${MAX_MATCHES}. ` +
    'The query is a literal, case-sensitive string unless regex or ignore_case is set.',
  schema,
  kind: 'read',
  title: (args) => `search ${JSON.stringify(args.query)}${args.path ? ` in ${args.path}` : ''}`,
  async run(args, ctx) {
    const target = args.path === undefined ? '.' : ctx.workspace.relative(ctx.workspace.resolve(args.path));
    const info = await stat(ctx.workspace.resolve(target)).catch(() => {
      throw new ToolError(`path "${args.path}" does not exist; use list to see what is there`);
    });
    if (!info.isDirectory() && !info.isFile())
      throw new ToolError(`${target} is not a regular file (a FIFO, socket or device); search skips it`);
    const visibility = visibilityOf(ctx);
    if (info.isFile()) {
      const refusal = visibility.judge('named')(target);
      if (refusal) throw new ToolError(refusal);
    }
    const request: SearchRequest = {
      visibility,
      target,
      targetIsFile: info.isFile(),
      query: args.query,
      regex: args.regex ?? false,
      ignoreCase: args.ignore_case ?? false,
      limit: MAX_MATCHES,
      signal: ctx.signal,
    };
    const notices = await ruleFileNotices(visibility, target, ctx.signal);
    const outcome = await searchWith(notices.length === 0 ? BACKENDS : [nodeWalk], request);
    const notes = notices.map((notice) => `\nNote: ${notice}.`).join('');
    return {
      ...ok(formatOutcome(outcome, args.query, target) + notes),
      detail: { kind: 'matches', count: outcome.total },
    };
  },
};

async function searchWith(backends: SearchBackend[], request: SearchRequest): Promise<SearchOutcome> {
  for (const backend of backends) {
    const outcome = await backend(request);
    if (outcome) return outcome;
  }
  throw new ToolError('no search backend could run');
}

function formatOutcome(outcome: SearchOutcome, query: string, target: string): string {
  const where = target === '.' ? 'the repository' : target;
  if (outcome.total === 0) return `No matches for ${JSON.stringify(query)} in ${where}.`;
  const header =
    outcome.total > outcome.matches.length
      ? `Showing ${outcome.matches.length} of ${plural(outcome.total, 'match', 'matches')}; narrow with path or a more specific query.`
      : `${plural(outcome.total, 'match', 'matches')} in ${where}:`;
  const lines = outcome.matches.map((m) => `${m.path}:${m.line}: ${truncateLine(m.text, MAX_LINE_CHARS)}`);
  return [header, ...lines].join('\n');
}

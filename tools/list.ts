import { stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { byCodePoint, walkVisible } from '../src/fs/visibility/walk.js';
import { plural } from './output-cap.js';
import { ToolError, ok, visibilityOf, type Tool } from './tool.js';

const MAX_FILES = 500;

const schema = z.object({
  path: z
    .string()
    .optional()
    .describe('Directory to list, relative to the repository root. Default: the whole repository.'),
  pattern: z
    .string()
    .optional()
    .describe(
      'Glob relative to path, e.g. "**/*.ts" or "src/**/test_*.py"; a pattern without "/" matches file names anywhere.',
    ),
});

export const listTool: Tool<typeof schema> = {
  name: 'list',
  description:
    'List files (recursively, honouring .gitignore and .agentignore; files that look like credentials are left out), ' +
    `optionally filtered by a glob. Paths are relative to the repository root, sorted, at most ${MAX_FILES}.`,
  schema,
  kind: 'read',
  title: (args) => ['list', args.path ?? '.', args.pattern].filter(Boolean).join(' '),
  async run(args, ctx) {
    const directory = ctx.workspace.resolve(args.path ?? '.');
    const info = await stat(directory).catch(() => {
      throw new ToolError(`${args.path} does not exist`);
    });
    if (!info.isDirectory())
      throw new ToolError(`${args.path} is a file, not a directory; use read to see it`);
    const matches = args.pattern
      ? picomatch(args.pattern, { dot: true, basename: !args.pattern.includes('/') })
      : () => true;
    const files: string[] = [];
    const notices = new Set<string>();
    for await (const file of walkVisible(visibilityOf(ctx), directory, { signal: ctx.signal, notices })) {
      if (matches(path.relative(directory, file.absolute).split(path.sep).join('/')))
        files.push(file.relative);
    }
    files.sort(byCodePoint);
    const where = args.path ? ctx.workspace.relative(directory) : 'the repository';
    const filter = args.pattern ? ` matching ${JSON.stringify(args.pattern)}` : '';
    const notes = [...notices].map((notice) => `Note: ${notice}.`);
    if (files.length === 0) return ok([`No files${filter} in ${where}.`, ...notes].join('\n'));
    const header =
      files.length > MAX_FILES
        ? `Showing ${MAX_FILES} of ${plural(files.length, 'file')}${filter}; narrow with path or pattern.`
        : `${plural(files.length, 'file')}${filter} in ${where}:`;
    return ok([header, ...files.slice(0, MAX_FILES), ...notes].join('\n'));
  },
};

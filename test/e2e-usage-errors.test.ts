import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { makeGitRepo } from './support/git-repo.js';

describe('bad usage on the command line', () => {
  it('exits 42 with the error in view, for the main command and every subcommand alike', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const cases: [string[], RegExp][] = [
      [['--bogus'], /unknown option '--bogus'/],
      [['-p', '--max-turns', 'x', 'task'], /'--max-turns <n>' argument 'x' is invalid/],
      [['undo', '--turns', 'x'], /'--turns <n>' argument 'x' is invalid/],
      [['sessions', 'show'], /missing required argument 'id'/],
      [['sessions', '--bogus'], /unknown option '--bogus'/],
      [['sandbox', 'bogus'], /unknown command 'bogus'/],
    ];
    for (const [args, error] of cases) {
      const run = await runCli(args, { cwd: repo });
      expect({ args, code: run.code }).toEqual({ args, code: 42 });
      const lines = run.stderr.trim().split('\n');
      expect(lines[0]).toMatch(error);
      // A pointer to the help, not the whole option list pushing the error out of view.
      expect(lines.at(-1)).toBe('(--help lists the options)');
      expect(lines.length).toBeLessThanOrEqual(3);
    }
  });
});

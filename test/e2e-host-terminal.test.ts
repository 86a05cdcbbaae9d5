import { describe, expect, it } from 'vitest';
import { scriptedProviderPerTest } from './support/scripted-server.js';
import { scriptSequence } from './scripted-provider/script.js';
import { runAgent } from './support/cli.js';
import { makeGitRepo } from './support/git-repo.js';

const provider = scriptedProviderPerTest();

/** Clipboard write (OSC 52), window title, screen clear, and a C1 CSI. */
const HOSTILE = 'Done.\x1b]52;c;cHduZWQ=\x07 \x1b]0;owned\x07\x1b[2J\x9b2J end';
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

async function hostileRun(format: 'text' | 'stream-json', flags: string[] = []) {
  const server = await provider.start(
    scriptSequence(
      {
        toolCalls: [
          { name: 'read', arguments: { path: '\x1b]0;title\x07missing.txt' } },
          { name: 'terminal', arguments: { command: "printf '\\033]52;c;cHduZWQ=\\007\\033[2J'; exit 3" } },
        ],
      },
      { text: HOSTILE },
    ),
  );
  return runAgent(server, 'openai', { cwd: makeGitRepo({ 'a.txt': 'x\n' }), task: 'go', format, flags });
}

describe('escape sequences from the model and its tools', () => {
  it.each([[[]], [['--verbose']]])('never reach the terminal in text mode (flags %j)', async (flags) => {
    const r = await hostileRun('text', flags);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Done.');
    expect(r.stdout).toContain(' end');
    expect(r.stdout).not.toMatch(CONTROL);
    expect(r.stderr).not.toMatch(CONTROL);
    if (flags.length) {
      expect(r.stderr).toMatch(/✗ read \(\d+ ms\): .*missing\.txt/);
      // The same one-line summary as the interactive UI's (src/core/call-summary.ts).
      expect(r.stderr).toMatch(/✗ terminal \(\d+ ms\): exit 3 · 1 line$/m);
    }
  });

  it('are escaped in JSON output, C1 controls included, and parse back unchanged', async () => {
    const r = await hostileRun('stream-json');
    expect(r.stdout.replace(/\n/g, '')).not.toMatch(CONTROL);
    expect(r.result).toMatchObject({ status: 'success', text: HOSTILE });
  });
});

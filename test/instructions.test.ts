import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInstructions } from '../src/orchestrator/system-prompt.js';

function repo(files: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'agent-instructions-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

async function read(root: string): Promise<{ text: string | null; notices: string[] }> {
  const notices: string[] = [];
  const text = await readInstructions(root, (message) => notices.push(message));
  return { text, notices };
}

describe('instruction files', () => {
  it('includes a small file whole, without notices', async () => {
    const { text, notices } = await read(repo({ 'AGENTS.md': 'Run npm test.\n' }));
    expect(text).toBe(
      "# Project instructions (AGENTS.md)\nThe repository's maintainers wrote these for agents. Follow them.\n\nRun npm test.\n",
    );
    expect(notices).toEqual([]);
  });

  it('cuts a huge file at a line boundary, tells the model so, and notifies the user', async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `rule ${i}: keep the build green`);
    const { text, notices } = await read(repo({ 'AGENTS.md': `${lines.join('\n')}\n` }));
    expect(text!.length).toBeLessThan(33 * 1024);
    expect(text).toContain('rule 0: keep the build green\n');
    expect(text).not.toContain('rule 199999');
    expect(text).toMatch(
      /keep the build green\n\n\[Truncated: AGENTS\.md is 6\.\d MB; only its first 32\.0 KB are included\. Read the file for the rest if the task needs it\.\]\n$/,
    );
    expect(notices).toEqual([
      expect.stringMatching(/^AGENTS\.md is 6\.\d MB; only its first 32\.0 KB are included in the prompt$/),
    ]);
  });

  it('skips a FIFO at once, falling back to the next file', { timeout: 10_000 }, async () => {
    const root = repo({ 'CLAUDE.md': 'Use tabs.\n' });
    execFileSync('mkfifo', [path.join(root, 'AGENTS.md')]);
    const { text, notices } = await read(root);
    expect(text).toContain('(CLAUDE.md)');
    expect(notices).toEqual([
      'AGENTS.md skipped: AGENTS.md is not a regular file (a FIFO, socket or device)',
    ]);
  });

  it('skips a link to /dev/zero or to a file outside the repository, and follows one that stays inside', async () => {
    const outside = repo({ 'secret.md': 'HOST SECRET\n' });
    const root = repo({ 'docs/agents.md': 'Inside rules.\n' });
    symlinkSync('/dev/zero', path.join(root, 'AGENTS.md'));
    symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'CLAUDE.md'));
    symlinkSync('docs/agents.md', path.join(root, 'GEMINI.md'));
    const { text, notices } = await read(root);
    expect(text).toContain('(GEMINI.md)');
    expect(text).toContain('Inside rules.');
    expect(notices).toEqual([
      expect.stringMatching(/^AGENTS\.md skipped: AGENTS\.md leads to \/dev\/zero, outside the workspace$/),
      expect.stringMatching(/^CLAUDE\.md skipped: CLAUDE\.md leads to .*secret\.md, outside the workspace$/),
    ]);
  });
});

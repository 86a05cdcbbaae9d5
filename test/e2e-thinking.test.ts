import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import { runAgent } from './support/cli.js';
import { fixerScript } from './support/fixer-script.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';

let server: ScriptedProvider | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a thinking model over the Anthropic protocol', () => {
  it('fixes the failing test, streaming its thinking, and every request replays the signed blocks', async () => {
    const repo = makeGitRepo(failingAddProject);
    server = await startScriptedProvider((turn) => {
      const reply = fixerScript(turn);
      return { ...reply, thinking: `Step ${turn.index}: decide the next action from the last result.` };
    });

    const r = await runAgent(server, 'anthropic', { cwd: repo, task: 'fix failing tests' });

    expect(r.result).toMatchObject({ status: 'success', turns: 6 });
    expect(r.code).toBe(0);
    // A dropped or altered block would have been refused (400) and the run would have failed.
    expect(server.requests).toHaveLength(6);
    const thinking = r.events.flatMap((e) => (e.type === 'thinking_delta' ? [e.text] : [])).join('');
    expect(thinking).toContain('Step 0: decide the next action');
    expect(thinking).toContain('Step 5: decide the next action');
  });
});

import { describe, expect, it } from 'vitest';
import { agentTurns, toolCall, withSummaries } from './scripted-provider/script.js';
import type { ScriptedReply } from './scripted-provider/types.js';
import { runAgent } from './support/cli.js';
import { fixerScript } from './support/fixer-script.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';

const provider = scriptedProviderPerTest();

describe('a thinking model over the Anthropic protocol', () => {
  it('fixes the failing test, streaming its thinking, and every request replays the signed blocks', async () => {
    const repo = makeGitRepo(failingAddProject);
    const server = await provider.start((turn) => {
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

  it('keeps the latest turn’s signed thinking through compaction in a small window', async () => {
    const bigFile = Array.from({ length: 6000 }, (_, i) => `line ${i}: lorem ipsum dolor sit amet`).join(
      '\n',
    );
    const repo = makeGitRepo({ ...failingAddProject, 'docs/big.txt': bigFile });
    const steps: ScriptedReply[] = [
      ...[1, 2, 3].flatMap((seed) => [
        toolCall('terminal', { command: `seq ${seed} 60000; exit 1` }),
        toolCall('read', { path: 'docs/big.txt', offset: seed * 1000 }),
      ]),
      toolCall('read', { path: 'src/math.js' }),
      toolCall('edit', { path: 'src/math.js', old_string: 'return a - b;', new_string: 'return a + b;' }),
      toolCall('terminal', { command: 'npm test' }),
      { text: 'Fixed add.' },
    ];
    const server = await provider.start(
      withSummaries((turn) => ({ ...steps.shift()!, thinking: `Thinking before request ${turn.index}.` })),
    );

    const r = await runAgent(server, 'anthropic', {
      cwd: repo,
      task: 'fix failing tests',
      flags: ['-m', 'small-local-model', '--context-window', '4000', '--max-output-tokens', '1000'],
    });

    // Summaries replace older turns; a request whose latest turn lost its signed block would be refused, failing the run.
    expect(r.result).toMatchObject({ status: 'success', text: 'Fixed add.' });
    expect(r.events.some((e) => e.type === 'compaction' && e.strategy === 'summary')).toBe(true);
    for (const turn of agentTurns(server.requests).slice(1)) {
      const latest = turn.messages.findLast((m) => m.role === 'assistant');
      expect(latest).toMatchObject({ reasoning: [{ data: { type: 'thinking' } }] });
    }
  });
});

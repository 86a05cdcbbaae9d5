import { describe, expect, it } from 'vitest';
import { scriptedProviderPerTest } from './support/scripted-server.js';
import { scriptSequence } from './scripted-provider/script.js';
import { runAgent } from './support/cli.js';
import { makeGitRepo } from './support/git-repo.js';

const provider = scriptedProviderPerTest();

describe('a runaway command', () => {
  it('streams a bounded amount of live output in a bounded number of events, and the session goes on', async () => {
    const server = await provider.start(
      scriptSequence(
        { toolCalls: [{ name: 'terminal', arguments: { command: 'yes | head -c 50000000; echo END' } }] },
        { text: 'done' },
      ),
    );
    const r = await runAgent(server, 'openai', { cwd: makeGitRepo({ 'a.txt': 'x\n' }), task: 'flood' });
    expect(r.code).toBe(0);
    const outputs = r.events.filter((e) => e.type === 'tool_output');
    expect(outputs.reduce((sum, e) => sum + e.chunk.length, 0)).toBeLessThanOrEqual(1 << 20);
    expect(outputs.length).toBeLessThanOrEqual(200);
    expect(r.events.filter((e) => e.type === 'notice')).toHaveLength(1);
    const end = r.events.find((e) => e.type === 'tool_call_end');
    expect(end?.type === 'tool_call_end' && end.output).toContain('END');
  });
});

import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptedProviderPerTest } from './support/scripted-server.js';
import type { Script, WireProtocol } from './scripted-provider/types.js';
import { runAgent } from './support/cli.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';
import { fixerScript } from './support/fixer-script.js';
import { docker, needsDocker } from './support/docker.js';

const protocols: WireProtocol[] = ['openai', 'anthropic'];
const provider = scriptedProviderPerTest();

async function runAgainst(protocol: WireProtocol, script: Script, cwd: string, sandbox?: string[]) {
  const server = await provider.start(script);
  return runAgent(server, protocol, { cwd, task: 'fix failing tests', sandbox });
}

const testsPass = (repo: string): boolean => {
  try {
    execFileSync('node', ['test/math.test.js'], { cwd: repo, stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
};

describe.each(protocols)('agent -p "fix failing tests" over %s', (protocol) => {
  it('fixes a failing test in a real repository, with every step in the event stream', async () => {
    const repo = makeGitRepo(failingAddProject);
    expect(testsPass(repo)).toBe(false);

    const run = await runAgainst(protocol, fixerScript, repo);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(testsPass(repo)).toBe(true);
    expect(readFileSync(path.join(repo, 'src/math.js'), 'utf8')).toContain('return a + b;');
    const types = run.events.map((e) => e.type);
    expect(types[0]).toBe('session_start');
    expect(types.at(-1)).toBe('result');
    const calls = run.events.flatMap((e) => (e.type === 'tool_call_start' ? [e.name] : []));
    expect(calls).toEqual(['terminal', 'search', 'read', 'edit', 'terminal']);
    const ends = run.events.filter((e) => e.type === 'tool_call_end');
    expect(ends).toHaveLength(5);
    expect(ends.every((e) => typeof e.duration_ms === 'number')).toBe(true);
    expect(run.result).toMatchObject({
      type: 'result',
      status: 'success',
      is_error: false,
      turns: 6,
      text: expect.stringContaining('Fixed `add`'),
    });
    expect(run.result!.usage.input_tokens).toBeGreaterThan(0);
    expect(run.result!.session_id).toMatch(/[0-9a-f-]{36}/);
    expect(run.events.some((e) => e.type === 'assistant_delta')).toBe(true);
    // The model saw the failing test output, then the passing one.
    const terminalOutputs = run.events.flatMap((e) =>
      e.type === 'tool_call_end' && e.name === 'terminal' ? [e.output] : [],
    );
    expect(terminalOutputs[0]).toMatch(/AssertionError|Expected values/);
    expect(terminalOutputs[1]).toContain('all tests passed');
  });

  it('survives rate limits, server errors, overload and a dropped stream without half-applying anything', async () => {
    const repo = makeGitRepo(failingAddProject);
    const faults = new Map<number, ReturnType<Script>>([
      [0, { fault: '429', retryAfterSeconds: 1 }],
      [2, { fault: '500' }],
      [
        4,
        {
          fault: 'drop',
          afterChunks: 2,
          text: 'partial text that must never be applied',
          toolCalls: [{ name: 'write', arguments: { path: 'src/math.js', content: 'broken' } }],
        },
      ],
      [6, { fault: protocol === 'anthropic' ? '529' : '500' }],
    ]);
    const run = await runAgainst(protocol, (turn) => faults.get(turn.index) ?? fixerScript(turn), repo);

    expect(run.code).toBe(0);
    expect(testsPass(repo)).toBe(true);
    const retries = run.events.filter((e) => e.type === 'retry');
    expect(retries).toHaveLength(4);
    expect(retries[0]!.delay_ms).toBeGreaterThanOrEqual(1000);
    // The dropped turn's tool call never ran.
    expect(run.events.some((e) => e.type === 'tool_call_start' && e.name === 'write')).toBe(false);
    expect(run.result?.status).toBe('success');
  });
});

describe.skipIf(!docker).each(protocols)(
  'agent -p "fix failing tests" in the Docker sandbox over %s',
  needsDocker,
  (protocol) => {
    it('fixes the failing test with every command run in the container', async () => {
      const repo = makeGitRepo(failingAddProject);
      const run = await runAgainst(protocol, fixerScript, repo, ['--sandbox', 'docker']);

      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({ status: 'success', turns: 6 });
      expect(testsPass(repo)).toBe(true);
      expect(run.events[0]).toMatchObject({ type: 'session_start', sandbox: 'docker' });
      const terminalOutputs = run.events.flatMap((e) =>
        e.type === 'tool_call_end' && e.name === 'terminal' ? [e.output] : [],
      );
      expect(terminalOutputs[0]).toMatch(/AssertionError|Expected values/);
      expect(terminalOutputs[1]).toContain('all tests passed');
      // Files the container touched still belong to the user who ran the agent.
      expect(statSync(path.join(repo, 'src/math.js')).uid).toBe(process.getuid!());
    });
  },
);

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  agentTurns,
  isSummaryRequest,
  scriptSequence,
  toolCall,
  withSummaries,
  type ScriptStep,
} from './scripted-provider/script.js';
import type { ReceivedTurn, WireProtocol } from './scripted-provider/types.js';
import { runAgent } from './support/cli.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';

/** The judge's view of a prompt's size: the whole request body at four characters a token. */
const promptTokens = (turn: ReceivedTurn): number => Math.ceil(JSON.stringify(turn.body).length / 4);
const WINDOW = 8000;
const FAILURE = 'FAIL test/math.test.js > add: AssertionError: expected 5, got -1';
const conversationText = (turn: ReceivedTurn): string => turn.messages.map((m) => m.content).join('\n');

const provider = scriptedProviderPerTest();

const hugeFailingRun = (seed: number) =>
  toolCall('terminal', { command: `seq ${seed} 60000; echo '${FAILURE}'; exit 1` });

describe.each(['openai', 'anthropic'] as WireProtocol[])(
  'a long session in a small window over %s',
  (protocol) => {
    it('stays under the window, keeps the failure signal, and still completes the task', async () => {
      const bigFile = Array.from(
        { length: 6000 },
        (_, i) => `line ${i}: ${'lorem ipsum dolor sit amet '.repeat(2)}`,
      ).join('\n');
      const repo = makeGitRepo({ ...failingAddProject, 'docs/big.txt': bigFile });
      let failureSeenBeforeEdit = false;
      const overflowAt = new Set<number>();
      const steps: ScriptStep[] = [
        hugeFailingRun(1),
        toolCall('read', { path: 'docs/big.txt' }),
        toolCall('read', { path: 'docs/big.txt', offset: 2000 }),
        hugeFailingRun(2),
        toolCall('read', { path: 'docs/big.txt' }),
        hugeFailingRun(3),
        toolCall('read', { path: 'src/math.js' }),
        (turn) => {
          failureSeenBeforeEdit = conversationText(turn).includes(FAILURE);
          return toolCall('edit', {
            path: 'src/math.js',
            old_string: 'return a - b;',
            new_string: 'return a + b;',
          }) as never;
        },
        toolCall('terminal', { command: 'npm test' }),
        { text: 'Fixed add; npm test passes.' },
      ];
      const sequence = withSummaries(scriptSequence(...steps));
      const server = await provider.start((turn) => {
        // A provider with a small window: anything larger is rejected as a real one would.
        if (promptTokens(turn) > WINDOW) {
          overflowAt.add(turn.index);
          return { fault: 'context_length' };
        }
        return sequence(turn);
      });
      const r = await runAgent(server, protocol, {
        cwd: repo,
        task: 'fix the failing test',
        flags: ['-m', 'small-local-model', '--context-window', String(WINDOW), '--max-output-tokens', '1000'],
      });

      expect(r.result).toMatchObject({ status: 'success' });
      expect(r.code).toBe(0);
      expect(overflowAt.size).toBe(0);
      expect(Math.max(...server.requests.map(promptTokens))).toBeLessThanOrEqual(WINDOW);
      const compactions = r.events.filter((e) => e.type === 'compaction');
      expect(compactions.length).toBeGreaterThan(0);
      for (const c of compactions) expect(c.tokens_after).toBeLessThan(c.tokens_before);
      expect(failureSeenBeforeEdit).toBe(true);
      // The task and the instructions are never compacted away.
      // (Anthropic's adapter joins adjacent user messages, so the task may be followed by the summary in one message.)
      for (const turn of agentTurns(server.requests))
        expect(turn.messages[0]!.content).toMatch(/^fix the failing test/);
      // The ranked repo map is in the prompt from the start, and is rebuilt (not dropped) by compaction.
      for (const turn of agentTurns(server.requests))
        expect(turn.system).toMatch(/# Repository map[\s\S]*src\/math\.js/);
      // Summaries were written by the model from the turns they replace.
      const summaries = server.requests.filter(isSummaryRequest);
      expect(summaries.length).toBeGreaterThan(0);
      expect(summaries.every((t) => /summar/i.test(t.system))).toBe(true);
      execFileSync('node', ['test/math.test.js'], { cwd: repo });
    });

    it('compacts and retries when the provider says the prompt is too long, and stops cleanly when nothing can be freed', async () => {
      const repo = makeGitRepo(failingAddProject);
      let rejected = 0;
      let server = await provider.start(
        withSummaries((turn) => {
          if (turn.index === 0) return toolCall('terminal', { command: 'seq 1 20000' }) as never;
          // Reject the first attempt of the second turn, as a provider with a smaller window than advertised would.
          if (turn.index === 1) {
            rejected++;
            return { fault: 'context_length' };
          }
          return { text: `done after seeing ${turn.messages.length} messages` };
        }),
      );
      const r = await runAgent(server, protocol, { cwd: repo, task: 'count' });
      expect(rejected).toBe(1);
      expect(r.result).toMatchObject({ status: 'success' });
      expect(r.code).toBe(0);
      expect(r.events.some((e) => e.type === 'compaction')).toBe(true);
      const [, rejectedTurn, retriedTurn] = agentTurns(server.requests);
      expect(promptTokens(retriedTurn!)).toBeLessThan(promptTokens(rejectedTurn!));

      // A prompt that is nothing but the task cannot shrink: a clear error, not a loop.
      await server.close();
      server = await provider.start(() => ({ fault: 'context_length' }));
      const stuck = await runAgent(server, protocol, { cwd: repo, task: 'x'.repeat(2000) });
      expect(stuck.code).toBe(1);
      expect(stuck.result).toMatchObject({ status: 'error', error: expect.stringMatching(/too long/) });
      expect(server.requests.length).toBeLessThanOrEqual(4);
    });
  },
);

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  deepseekRequiresReasoning,
  geminiRequiresSignatures,
  llamacppContextSize,
  refusesParameter,
  refusesStreamingWithTools,
  vllmError,
} from './scripted-provider/openai-quirks.js';
import { toolCall, withSummaries } from './scripted-provider/script.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';
import type { OpenAIShape, Script, ScriptedReply } from './scripted-provider/types.js';
import { runAgent } from './support/cli.js';
import { fixerScript } from './support/fixer-script.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';

/**
 * `agent -p` against OpenAI-compatible servers as they really behave: every
 * one either completes the task or stops with exit code 1 and the server's
 * own message, never a silent success.
 */

const provider = scriptedProviderPerTest();

type Answer = Exclude<ScriptedReply, { fault: string }>;

/** The fixer, in the server's shape; its first turn runs the tests and searches at once, as parallel calls. */
const shaped =
  (shape: OpenAIShape, thinking?: string): Script =>
  (turn) => {
    const reply = fixerScript(turn) as Answer;
    const first = turn.messages.every((m) => m.role !== 'tool');
    const search = { name: 'search', arguments: { query: 'function add' } };
    const toolCalls = first ? [...(reply.toolCalls ?? []), search] : reply.toolCalls;
    return { ...reply, toolCalls, shape, thinking };
  };

const same = (script: Script): Script => script;

describe('agent -p against OpenAI-compatible servers', () => {
  it.each<[string, (script: Script) => Script, OpenAIShape, string?]>([
    [
      'DeepSeek: reasoning_content streamed, required back on tool-call turns',
      deepseekRequiresReasoning,
      { reasoningField: 'reasoning_content' },
      'Next step from the last result.',
    ],
    [
      'older Ollama: call fragments without an index, `reasoning`',
      same,
      { toolCallIndex: 'none', reasoningField: 'reasoning' },
      'Hmm.',
    ],
    ['Azure: content-filter chunks, calls at index 0', same, { contentFilter: true, toolCallIndex: 'zero' }],
    ['Gemini: thought signatures required back', geminiRequiresSignatures, { thoughtSignatures: true }],
    ['vLLM without a tool parser: Hermes calls in the text', same, { callsInText: 'hermes' }],
    ['llama.cpp refusing to stream with tools', refusesStreamingWithTools, {}],
  ])('fixes the failing test with %s', async (_, rules, shape, thinking) => {
    const repo = makeGitRepo(failingAddProject);
    const server = await provider.start(rules(shaped(shape, thinking)));

    const r = await runAgent(server, 'openai', {
      cwd: repo,
      task: 'fix failing tests',
      flags: ['-m', 'some-open-model'],
    });

    expect(r.result, r.stderr).toMatchObject({ status: 'success', turns: 5 });
    expect(r.code).toBe(0);
    execFileSync('node', ['test/math.test.js'], { cwd: repo });
    // Both parallel calls ran, each answered under its own id.
    const answered = server.requests.find((turn) => turn.messages.some((m) => m.role === 'tool'))!;
    const results = answered.messages.filter((m) => m.role === 'tool');
    expect(results.map((m) => m.name)).toEqual(['terminal', 'search']);
    expect(new Set(results.map((m) => m.toolCallId)).size).toBe(2);
    if (thinking) {
      const thought = r.events.flatMap((e) => (e.type === 'thinking_delta' ? [e.text] : [])).join('');
      expect(thought).toContain(thinking);
    }
  });

  it('reaches an Azure classic deployment URL given as the base URL, with the key in api-key', async () => {
    const repo = makeGitRepo(failingAddProject);
    const server = await provider.start(
      refusesParameter('max_tokens')(() => ({ text: 'Hello from Azure.' })),
    );
    const deployment = `${server.baseUrl}/openai/deployments/prod-gpt?api-version=2024-10-21`;
    const r = await runAgent(server, 'openai', {
      cwd: repo,
      task: 'say hello',
      flags: ['--base-url', deployment, '-m', 'prod-gpt'],
      env: { OPENAI_API_KEY: 'azure-key' },
    });
    expect(r.result, r.stderr).toMatchObject({ status: 'success', text: 'Hello from Azure.' });
    const [refused, accepted] = server.requests;
    expect(accepted!.url).toBe('/openai/deployments/prod-gpt/chat/completions?api-version=2024-10-21');
    expect(accepted!.headers).toMatchObject({ 'api-key': 'azure-key' });
    expect(accepted!.headers.authorization).toBeUndefined();
    // A deployment's name says nothing of its model: the server's refusal of max_tokens decides, once.
    expect(['max_tokens' in refused!.body, 'max_completion_tokens' in accepted!.body]).toEqual([true, true]);
  });

  it('stops with exit code 1 and the server’s own message on a vLLM error body', async () => {
    const repo = makeGitRepo(failingAddProject);
    const server = await provider.start(() => vllmError(400, 'The model `qwen-coder` does not exist.'));
    const r = await runAgent(server, 'openai', { cwd: repo, task: 'fix failing tests' });
    expect(r.code).toBe(1);
    expect(r.result).toMatchObject({
      status: 'error',
      error: expect.stringContaining('The model `qwen-coder` does not exist.'),
    });
  });

  it('never ends as a success on a reply that says tool calls but carries none', async () => {
    const repo = makeGitRepo(failingAddProject);
    const server = await provider.start(() => ({ text: '', shape: { finishReason: 'tool_calls' } }));
    const r = await runAgent(server, 'openai', { cwd: repo, task: 'fix failing tests' });
    expect(r.code).toBe(1);
    expect(r.result).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/finish_reason "tool_calls".*no tool call/),
    });
    expect(server.requests).toHaveLength(2);
  });

  it('compacts and carries on when llama.cpp says the prompt exceeds its context size', async () => {
    const repo = makeGitRepo(failingAddProject);
    let rejected = 0;
    const server = await provider.start(
      withSummaries((turn) => {
        if (turn.index === 0) return toolCall('terminal', { command: 'seq 1 20000' });
        // The next turn, the first time: a slot with a smaller n_ctx than the model advertises.
        if (rejected++ === 0) return llamacppContextSize(9000, 8192);
        return { text: 'Counted.' };
      }),
    );
    const r = await runAgent(server, 'openai', {
      cwd: repo,
      task: 'count',
      flags: ['-m', 'some-open-model'],
    });
    expect(r.result, r.stderr).toMatchObject({ status: 'success', text: 'Counted.' });
    expect(r.code).toBe(0);
    expect(rejected).toBe(2);
    expect(r.events.some((e) => e.type === 'compaction')).toBe(true);
  });
});

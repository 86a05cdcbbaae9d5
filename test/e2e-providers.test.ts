import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../src/core/events.js';
import type { ScriptedProvider } from './scripted-provider/server.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';
import {
  agentTurns,
  isSummaryRequest,
  scriptSequence,
  toolCall,
  withSummaries,
} from './scripted-provider/script.js';
import { anthropicPromptCache } from './scripted-provider/prompt-cache.js';
import type { ScriptedReply } from './scripted-provider/types.js';
import { runAgent, runCli, type AgentRunOptions } from './support/cli.js';
import { fixerScript } from './support/fixer-script.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';

const provider = scriptedProviderPerTest();

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A configuration file in a directory of its own; returns its path. */
function writeConfig(config: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'agent-config-')), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const routes = (events: AgentEvent[]) =>
  events.flatMap((e) => (e.type === 'route' ? [`${e.model}:${e.reason}`] : []));
/** The model each route announced, in order: the one each request must have gone to. */
const announced = (events: AgentEvent[]) => events.flatMap((e) => (e.type === 'route' ? [e.model] : []));

/** Every reply the same size, so costs can be worked out by hand. */
const sized = (reply: ScriptedReply): ScriptedReply => ({
  ...reply,
  usage: { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0 },
});

/** Round prices (dollars per million tokens) for the strong and the fast model, without a cache discount. */
const prices = {
  'gpt-5': { price: { input: 10, output: 20 } },
  'gpt-5-mini': { price: { input: 1, output: 2 } },
};

/** `agent -p` over OpenAI's protocol, routing between gpt-5 and gpt-5-mini at `prices`; `flags` add to the routing ones. */
const runRouted = (server: ScriptedProvider, options: AgentRunOptions) =>
  runAgent(server, 'openai', {
    ...options,
    flags: ['-m', 'gpt-5', '--fast-model', 'gpt-5-mini', ...(options.flags ?? [])],
    env: { AGENT_CONFIG: writeConfig({ models: prices }) },
  });

describe('a provider module of the user’s own', () => {
  it('runs the README’s example module, named relative to the configuration, with a key from a helper', async () => {
    const server = await provider.start(fixerScript);
    const config = writeConfig({
      provider: 'mine',
      providers: {
        mine: {
          type: 'module',
          module: './my-provider.mjs',
          baseUrl: server.openaiBaseUrl,
          apiKeyCommand: 'printf "%s\\n" key-from-helper',
          model: 'my-model',
          options: { headers: { 'x-team': 'blue' } },
        },
      },
    });
    copyFileSync(
      path.join(fixtures, 'provider-module', 'my-provider.mjs'),
      path.join(path.dirname(config), 'my-provider.mjs'),
    );
    const repo = makeGitRepo(failingAddProject);

    const r = await runCli(
      ['-p', '--output-format', 'stream-json', '--sandbox', 'none', '--yolo', 'fix failing tests'],
      { cwd: repo, env: { AGENT_CONFIG: config } },
    );

    expect(r.result).toMatchObject({ status: 'success', turns: 6 });
    expect(r.code).toBe(0);
    expect(r.events[0]).toMatchObject({ type: 'session_start', provider: 'my-provider', model: 'my-model' });
    // The module's own request: not streamed, with the helper's key and the configured options.
    expect(server.requests[0]).toMatchObject({ model: 'my-model', stream: false });
    expect(server.requests[0]!.headers).toMatchObject({
      authorization: 'Bearer key-from-helper',
      'x-team': 'blue',
    });
  });

  it('names the problem when the module or its key helper is broken', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const run = (profile: Record<string, unknown>) =>
      runCli(['-p', '--sandbox', 'none', '--yolo', 'x'], {
        cwd: repo,
        env: { AGENT_CONFIG: writeConfig({ provider: 'mine', providers: { mine: profile } }) },
      });
    const missing = await run({ type: 'module', module: './nowhere.mjs', model: 'm' });
    expect(missing.code).toBe(42);
    expect(missing.stderr).toMatch(/cannot load the provider module .*nowhere\.mjs/);
    const helper = await run({
      type: 'openai',
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKeyCommand: 'echo vault is locked >&2; exit 3',
    });
    expect(helper.code).toBe(42);
    expect(helper.stderr).toContain('the apiKeyCommand of mine failed: vault is locked');
  });
});

describe('Anthropic extended thinking', () => {
  it('is requested with the budget from --thinking or the configuration, and not otherwise', async () => {
    const server = await provider.start(() => ({ thinking: 'Nothing to do.', text: 'done' }));
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const flagged = await runAgent(server, 'anthropic', {
      cwd: repo,
      task: 'hi',
      flags: ['--thinking', '2048'],
    });
    expect(flagged.result).toMatchObject({ status: 'success', text: 'done' });
    expect(server.requests[0]!.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    // The answer after the thinking needs room too.
    expect(server.requests[0]!.body.max_tokens).toBeGreaterThan(2048);

    const configured = await runAgent(server, 'anthropic', {
      cwd: repo,
      task: 'hi',
      env: { AGENT_CONFIG: writeConfig({ thinkingBudget: 4096 }) },
    });
    expect(configured.code).toBe(0);
    expect(server.requests[1]!.body.thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });

    await runAgent(server, 'anthropic', { cwd: repo, task: 'hi' });
    expect(server.requests[2]!.body).not.toHaveProperty('thinking');
  });
});

describe('the router', () => {
  it('announces every turn’s model and reason, and prices each turn and the total', async () => {
    const server = await provider.start((turn) => sized(fixerScript(turn)));
    const repo = makeGitRepo(failingAddProject);

    const r = await runRouted(server, {
      cwd: repo,
      task: 'fix failing tests',
    });

    expect(r.result).toMatchObject({ status: 'success', turns: 6 });
    // npm test fails first (the bug): the strong model recovers, then routine steps go to the fast one.
    expect(routes(r.events)).toEqual([
      'gpt-5:first_turn',
      'gpt-5:after_failure',
      'gpt-5-mini:routine',
      'gpt-5-mini:routine',
      'gpt-5-mini:routine',
      'gpt-5-mini:routine',
    ]);
    expect(server.requests.map((t) => t.model)).toEqual(announced(r.events));
    const usage = r.events.flatMap((e) => (e.type === 'usage' ? [e] : []));
    // 1000 in, 100 out: $0.012 on gpt-5, $0.0012 on gpt-5-mini.
    expect(usage.map((u) => u.turn.cost_usd)).toEqual([0.012, 0.012, 0.0012, 0.0012, 0.0012, 0.0012]);
    expect(usage.at(-1)!.total.cost_usd).toBeCloseTo(0.0288, 9);
    expect(r.result!.usage.cost_usd).toBeCloseTo(0.0288, 9);

    // The text view's closing line says it too.
    const text = await runRouted(server, {
      cwd: makeGitRepo(failingAddProject),
      task: 'fix failing tests',
      format: 'text',
      flags: ['--verbose'],
    });
    expect(text.stderr).toMatch(/— done in 6 model calls, .* 6000 in \/ 600 out tokens, \$0\.0288\n/);
  });

  it('retries a missed edit once on the fast model, escalates when it misses again, and returns after successes', async () => {
    const edit = (old: string) => toolCall('edit', { path: 'src/math.js', old_string: old, new_string: 'x' });
    const read = (file: string) => toolCall('read', { path: file });
    const steps = [
      edit('nope 1'),
      edit('nope 2'),
      read('src/math.js'),
      read('package.json'),
      read('test/math.test.js'),
      { text: 'gave up' },
    ];
    const server = await provider.start(() => steps.shift()!);
    const repo = makeGitRepo(failingAddProject);

    // Priced without a cache discount: cost never stands in the fast model's way here.
    const r = await runRouted(server, {
      cwd: repo,
      task: 'fix it',
    });

    expect(r.result).toMatchObject({ status: 'success', text: 'gave up' });
    expect(routes(r.events)).toEqual([
      'gpt-5:first_turn',
      'gpt-5-mini:tool_error',
      'gpt-5:after_failure',
      'gpt-5:repeated_failures',
      'gpt-5-mini:routine',
      'gpt-5-mini:routine',
    ]);
    expect(server.requests.map((t) => t.model)).toEqual(announced(r.events));
  });

  it('keeps routine steps on the strong model while its warm prompt cache makes it cheaper, and says so', async () => {
    const flags = ['-m', 'claude-sonnet-4-5', '--fast-model', 'claude-haiku-4-5'];
    // A provider that caches as Anthropic does: Sonnet caches this ~2k-token prompt, Haiku (minimum 4096) cannot.
    const cache = anthropicPromptCache();
    const cachingServer = await provider.start((turn) => ({ ...fixerScript(turn), usage: cache(turn) }));
    const cached = await runAgent(cachingServer, 'anthropic', {
      cwd: makeGitRepo(failingAddProject),
      task: 'fix failing tests',
      flags,
    });
    expect(cached.result).toMatchObject({ status: 'success', turns: 6 });
    expect(routes(cached.events)).toEqual([
      'claude-sonnet-4-5:first_turn',
      'claude-sonnet-4-5:after_failure',
      'claude-sonnet-4-5:cache_warm',
      'claude-sonnet-4-5:cache_warm',
      'claude-sonnet-4-5:cache_warm',
      'claude-sonnet-4-5:cache_warm',
    ]);
    expect(new Set(cachingServer.requests.map((t) => t.model))).toEqual(new Set(['claude-sonnet-4-5']));
    await cachingServer.close();

    // The same session where the provider reports no caching: the routine steps are cheaper on the fast model.
    const server = await provider.start(fixerScript);
    const uncached = await runAgent(server, 'anthropic', {
      cwd: makeGitRepo(failingAddProject),
      task: 'fix failing tests',
      flags,
    });
    expect(routes(uncached.events).slice(2)).toEqual(Array(4).fill('claude-haiku-4-5:routine'));
  });

  it('writes compaction summaries with the fast model', async () => {
    const bigFile = Array.from({ length: 6000 }, (_, i) => `line ${i}: lorem ipsum dolor sit amet`).join(
      '\n',
    );
    const repo = makeGitRepo({ ...failingAddProject, 'docs/big.txt': bigFile });
    const steps: ScriptedReply[] = [1, 2, 3].map((seed) => ({
      toolCalls: [{ name: 'read', arguments: { path: 'docs/big.txt', offset: seed * 1000 } }],
    }));
    const server = await provider.start(withSummaries(() => steps.shift() ?? { text: 'read it all' }));

    const r = await runAgent(server, 'openai', {
      cwd: repo,
      task: 'read the docs',
      flags: ['-m', 'big-local', '--fast-model', 'small-local', '--context-window', '4000'],
    });

    expect(r.result).toMatchObject({ status: 'success', text: 'read it all' });
    const summaries = server.requests.filter(isSummaryRequest);
    expect(summaries.length).toBeGreaterThan(0);
    expect(new Set(summaries.map((t) => t.model))).toEqual(new Set(['small-local']));
    expect(routes(r.events)).toContain('small-local:summary');
    // Summaries cost like turns: they count in the totals.
    const usage = r.events.flatMap((e) => (e.type === 'usage' ? [e] : []));
    expect(usage.filter((u) => u.summary)).toHaveLength(summaries.length);
    const input = usage.reduce((sum, u) => sum + u.turn.input_tokens, 0);
    expect(r.result!.usage.input_tokens).toBe(input);
    expect(usage).toHaveLength(server.requests.length);
    expect(agentTurns(server.requests)[0]!.model).toBe('big-local');
  });
});

describe('--max-budget-usd', () => {
  it('stops cleanly before the turn that would go over, with status budget and exit code 54', async () => {
    const server = await provider.start(fixerScript);
    const repo = makeGitRepo(failingAddProject);
    // A dollar per thousand prompt tokens: each turn of this run costs a few dollars.
    const config = writeConfig({ models: { 'gpt-5': { price: { input: 1000, output: 1000 } } } });
    const budget = 10;

    const r = await runAgent(server, 'openai', {
      cwd: repo,
      task: 'fix failing tests',
      flags: ['-m', 'gpt-5', '--max-budget-usd', String(budget)],
      env: { AGENT_CONFIG: config },
    });

    expect(r.result).toMatchObject({ status: 'budget', is_error: true });
    expect(r.code).toBe(54);
    const { turns } = r.result!;
    // Stopped mid-task (the fix takes six turns), before a request it would not pay for.
    expect(turns).toBeGreaterThan(0);
    expect(turns).toBeLessThan(6);
    expect(server.requests).toHaveLength(turns);
    expect(r.result!.error).toMatch(
      new RegExp(`stopped before turn ${turns + 1}: .* over the budget of \\$10\\.0000`),
    );
    const spent = r.result!.usage.cost_usd!;
    expect(spent).toBeLessThanOrEqual(budget);
    // The turn refused would indeed have gone over: it costs at least what the last one did.
    const usage = r.events.flatMap((e) => (e.type === 'usage' ? [e.turn.cost_usd!] : []));
    expect(spent + usage.at(-1)!).toBeGreaterThan(budget);

    const text = await runAgent(server, 'openai', {
      cwd: repo,
      task: 'fix failing tests',
      format: 'text',
      flags: ['-m', 'gpt-5', '--max-budget-usd', '0.5'],
      env: { AGENT_CONFIG: config },
    });
    expect(text.code).toBe(54);
    expect(text.stderr).toMatch(/^agent: budget: stopped before turn 1/m);
  });

  it('refuses to start when a model’s price is unknown', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const r = await runCli(
      ['-p', '--provider', 'openai', '-m', 'local-coder', '--max-budget-usd', '1', 'x'],
      { cwd: repo, env: { OPENAI_API_KEY: 'k', AGENT_CONFIG: writeConfig({}) } },
    );
    expect(r.code).toBe(42);
    expect(r.stderr).toContain(
      '--max-budget-usd needs the price of local-coder: set models["local-coder"].price',
    );
  });
});

describe('what the provider SDKs say', () => {
  it('a deprecated model is named once, as a notice, never written raw to the terminal by the SDK', async () => {
    const server = await provider.start(
      scriptSequence(toolCall('read', { path: 'src/math.js' }), { text: 'Read it.' }),
    );
    const run = await runAgent(server, 'anthropic', {
      cwd: makeGitRepo(failingAddProject),
      task: 'read math',
      format: 'text',
      flags: ['-m', 'claude-sonnet-4-5'],
    });
    expect(run.stdout).toBe('Read it.\n');
    const said = run.stderr.split('\n').filter((line) => /deprecated/.test(line));
    expect(said).toEqual([expect.stringMatching(/^agent: The model 'claude-sonnet-4-5' is deprecated/)]);
  });
});

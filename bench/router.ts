import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentEvent, ResultEvent } from '../src/core/events.js';
import { packageRoot } from '../src/core/package-root.js';
import { startScriptedProvider } from '../test/scripted-provider/server.js';
import { lastToolResult } from '../test/scripted-provider/script.js';
import type { ReceivedTurn, ScriptedReply } from '../test/scripted-provider/types.js';
import { anthropicPromptCache } from '../test/scripted-provider/prompt-cache.js';
import { failingAddProject, makeGitRepo } from '../test/support/git-repo.js';
import type { BenchFigure, BenchSection } from './report.js';
import { LONG_STEPS, LONG_TASK, shopOrdersProject } from './router-long-session.js';

const STRONG = 'claude-sonnet-4-5';
const FAST = 'claude-haiku-4-5';
const bin = path.join(packageRoot, 'bin', 'agent');

const call = (name: string, args: Record<string, unknown>): ScriptedReply => ({
  text: `Next: ${name}.`,
  toolCalls: [{ name, arguments: args }],
});
const runTests = call('terminal', { command: 'npm test' });
const readMath = call('read', { path: 'src/math.js' });
const fixAdd = call('edit', {
  path: 'src/math.js',
  old_string: '  return a - b;',
  new_string: '  return a + b;',
});
const done: ScriptedReply = { text: 'Fixed `add`; `npm test` passes.' };

interface BenchSessionScript {
  name: string;
  /** The steps a capable model takes, one per turn. */
  steps: ScriptedReply[];
  /** Requests (0-based) the server answers with a fault first, as a provider under load does. */
  faults?: Record<number, ScriptedReply>;
  /** The repository and the task; failingAddProject and "fix the failing test" unless given. */
  project?: () => Record<string, string>;
  task?: string;
}

/** Multi-step sessions: each starts or runs into a failure that must be understood. */
const SESSIONS: BenchSessionScript[] = [
  {
    name: 'fix from a failing test',
    steps: [runTests, call('search', { query: 'function add' }), readMath, fixAdd, runTests, done],
  },
  {
    name: 'explore, then fix',
    steps: [
      call('read', { path: 'package.json' }),
      call('read', { path: 'test/math.test.js' }),
      readMath,
      runTests,
      fixAdd,
      runTests,
      done,
    ],
  },
  {
    name: 'an edit that misses, recovered',
    steps: [
      readMath,
      call('edit', { path: 'src/math.js', old_string: 'return b - a;', new_string: 'return a + b;' }),
      readMath,
      fixAdd,
      runTests,
      done,
    ],
  },
  {
    name: 'provider overloaded, then back',
    steps: [readMath, runTests, call('search', { query: 'add(' }), fixAdd, runTests, done],
    faults: { 2: { fault: '529' }, 3: { fault: '500' } },
  },
  {
    name: 'a feature across modules (17 steps)',
    steps: LONG_STEPS,
    project: shopOrdersProject,
    task: LONG_TASK,
  },
];

/**
 * The scripted "models": both follow the session's steps, but only the strong
 * one understands a failing command; the fast one, shown a failed test run,
 * declares the task done. A failed read or edit is another matter: its error
 * says what to correct (an edit's miss shows the closest region of the file),
 * and a small model acts on that as well as a large one, so the fast model
 * carries on with the next step. So the strong model alone succeeds everywhere
 * at full price, the fast model alone is cheap and fails wherever a test must
 * be understood, and the router should get the strong model's success for
 * much less by keeping those failures for it.
 */
function scriptedModel(session: BenchSessionScript, caching: boolean) {
  let requests = 0;
  const cache = anthropicPromptCache();
  return (turn: ReceivedTurn): ScriptedReply => {
    const fault = session.faults?.[requests++];
    if (fault) return fault;
    const usage = caching ? cache(turn) : {};
    const failed = lastToolResult(turn);
    if (turn.model !== STRONG && failed?.isError && failed.name === 'terminal')
      return { text: 'Done, it should work now.', usage };
    const step = turn.messages.filter((m) => m.role === 'assistant').length;
    return { ...(session.steps[step] ?? done), usage };
  };
}

interface Outcome {
  success: boolean;
  turns: number;
  cost: number;
  /** Dollars by the route reason of each priced call (the route event before it): where the cost goes. */
  byReason: Map<string, number>;
}

async function runSession(session: BenchSessionScript, models: string[], caching: boolean): Promise<Outcome> {
  const server = await startScriptedProvider(scriptedModel(session, caching));
  const repo = makeGitRepo((session.project ?? (() => failingAddProject))());
  try {
    const { result, events } = await agent(
      repo,
      ['--provider', 'anthropic', '--base-url', server.anthropicBaseUrl, ...models],
      session.task ?? 'fix the failing test',
    );
    const testsPass = (() => {
      try {
        execFileSync('npm', ['test'], { cwd: repo, stdio: 'pipe' });
        return true;
      } catch {
        return false;
      }
    })();
    return {
      success: result.status === 'success' && testsPass,
      turns: result.turns,
      cost: result.usage.cost_usd ?? NaN,
      byReason: costByReason(events),
    };
  } finally {
    await server.close();
  }
}

function costByReason(events: AgentEvent[]): Map<string, number> {
  const costs = new Map<string, number>();
  let reason = 'unrouted';
  for (const event of events) {
    if (event.type === 'route') reason = event.reason;
    if (event.type === 'usage') costs.set(reason, (costs.get(reason) ?? 0) + (event.turn.cost_usd ?? NaN));
  }
  return costs;
}

function agent(
  cwd: string,
  flags: string[],
  task: string,
): Promise<{ result: ResultEvent; events: AgentEvent[] }> {
  const home = mkdtempSync(path.join(tmpdir(), 'agent-bench-home-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_STATE_HOME: home,
    XDG_CONFIG_HOME: home,
    ANTHROPIC_API_KEY: 'bench',
  };
  const args = [bin, '-p', '--output-format', 'stream-json', '--sandbox', 'none', '--yolo', ...flags, task];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => {
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as AgentEvent);
      const result = events.findLast((event) => event.type === 'result');
      if (result) resolve({ result, events });
      else reject(new Error(`agent ended without a result: ${stdout.slice(-500)}`));
    });
  });
}

const dollars = (costs: Map<string, number>): string =>
  [...costs]
    .sort(([, a], [, b]) => b - a)
    .map(([reason, cost]) => `${reason} $${cost.toFixed(4)}`)
    .join(', ');

const WAYS: [string, string[]][] = [
  ['strong only', ['-m', STRONG]],
  ['fast only', ['-m', FAST]],
  ['routed', ['-m', STRONG, '--fast-model', FAST]],
];
/** The two ways a provider may bill: every prompt token at the input price, or with prompt caching as Anthropic caches. */
const BILLINGS = [
  ['uncached', false],
  ['cached', true],
] as const;

type Totals = { success: number; turns: number; cost: number };

/** Each session three ways (the strong model alone, the fast model alone, routed between them), billed both ways. */
export async function run(): Promise<BenchSection> {
  const totals = new Map<string, Totals>();
  const total = (key: string): Totals => {
    if (!totals.has(key)) totals.set(key, { success: 0, turns: 0, cost: 0 });
    return totals.get(key)!;
  };
  let routedMatchesStrong = true;
  let routedAboveStrongCached = 0;
  const notes: string[] = [];
  const routedByReason = new Map<string, Map<string, number>>(
    BILLINGS.map(([billing]) => [billing, new Map()]),
  );
  for (const session of SESSIONS) {
    const lines: string[] = [];
    for (const [billing, caching] of BILLINGS) {
      const outcomes = new Map<string, Outcome>();
      for (const [way, flags] of WAYS) {
        const outcome = await runSession(session, flags, caching);
        outcomes.set(way, outcome);
        const sum = total(`${way} ${billing}`);
        sum.success += outcome.success ? 1 : 0;
        sum.turns += outcome.turns;
        sum.cost += outcome.cost;
      }
      const strong = outcomes.get('strong only')!;
      const routed = outcomes.get('routed')!;
      if (strong.success && !routed.success) routedMatchesStrong = false;
      if (caching && routed.cost > strong.cost) routedAboveStrongCached++;
      for (const [reason, cost] of routed.byReason) {
        const byReason = routedByReason.get(billing)!;
        byReason.set(reason, (byReason.get(reason) ?? 0) + cost);
      }
      const each = [...outcomes].map(
        ([way, o]) => `${way} ${o.turns} turns $${o.cost.toFixed(4)}${o.success ? '' : ' (failed)'}`,
      );
      lines.push(
        `${billing}: ${each.join(', ')}; routed ${((100 * routed.cost) / strong.cost).toFixed(1)}% of strong; routed by reason: ${dollars(routed.byReason)}`,
      );
    }
    notes.push(`${session.name}: ${lines.join(' | ')}`);
  }
  for (const [billing, byReason] of routedByReason)
    notes.push(`routed cost by route reason, ${billing}, all sessions: ${dollars(byReason)}`);
  const figures: BenchFigure[] = [];
  for (const [billing] of BILLINGS)
    for (const [way] of WAYS) {
      const sum = total(`${way} ${billing}`);
      figures.push(
        { name: `${billing}: ${way}: sessions solved`, value: sum.success, unit: `of ${SESSIONS.length}` },
        { name: `${billing}: ${way}: turns`, value: sum.turns, unit: 'turns' },
        { name: `${billing}: ${way}: cost`, value: sum.cost, unit: 'USD' },
      );
    }
  const share = (billing: string) =>
    (100 * total(`routed ${billing}`).cost) / total(`strong only ${billing}`).cost;
  figures.push(
    {
      name: 'routed solves every session the strong model solves (both billings)',
      value: routedMatchesStrong ? 1 : 0,
      unit: routedMatchesStrong ? 'yes' : 'no',
      target: 'yes',
      pass: routedMatchesStrong,
    },
    {
      name: 'uncached: routed cost / strong cost',
      value: share('uncached'),
      unit: '%',
      target: '<= 50%',
      pass: share('uncached') <= 50,
    },
    {
      name: 'cached: routed cost / strong cost',
      value: share('cached'),
      unit: '%',
      target: '<= 100%',
      pass: share('cached') <= 100,
    },
    {
      name: 'cached: sessions where routed costs more than strong',
      value: routedAboveStrongCached,
      unit: `of ${SESSIONS.length}`,
      target: '0',
      pass: routedAboveStrongCached === 0,
    },
  );
  return {
    title: `Routing (${SESSIONS.length} scripted sessions through agent -p: ${STRONG} / ${FAST}, list prices)`,
    figures,
    notes: [
      ...notes,
      'Token counts are the scripted provider’s estimate (characters / 4 of each request and reply), priced with src/providers/prices.ts.',
      '“Uncached” bills every prompt token at the input price (the provider reports no cache use); “cached” bills as Anthropic caches agent’s prompts (test/scripted-provider/prompt-cache.ts): each model its own cache, the prompt it was last sent read at the cache-read price when the new one extends it, the rest written at the cache-write price, nothing cached under a model’s minimum (Sonnet 4.5 1024, Haiku 4.5 4096 tokens).',
      'The scripted fast model follows the same steps but, shown a failed command (a test to be understood), declares the task done; a failed read or edit, whose error says what to correct, it corrects. Success also requires `npm test` to pass afterwards.',
    ],
  };
}

import { describe, expect, it } from 'vitest';
import type { Message, ToolResultMessage } from '../src/core/messages.js';
import { Compactor, type CompactionState, type Summarize } from '../src/context/compaction/compactor.js';
import { isSummary } from '../src/context/compaction/conversation.js';
import {
  countPrompt,
  createTokenCounter,
  EstimatingTokenCounter,
} from '../src/context/compaction/token-counter.js';

const SYSTEM =
  'You are agent.\n# Project instructions (AGENTS.md)\nAlways run `npm test` before finishing.\n';
const TASK: Message = {
  role: 'user',
  content: 'Fix the rounding bug in src/invoice.ts so that the tests pass.',
};
const FAILING_TEST = 'FAIL  test/invoice.test.ts > invoice > rounds_half_cents_up';
const ASSERTION = 'AssertionError: expected 10.01 to equal 10.02';

/** Builds a conversation turn by turn, with unique call ids, the way the orchestrator records it. */
class Conversation {
  readonly messages: Message[] = [TASK];
  private nextId = 0;

  call(name: string, args: Record<string, unknown>, output: string, isError = false): this {
    const id = `call_${this.nextId++}`;
    this.messages.push(
      {
        role: 'assistant',
        content: `Turn ${this.nextId}: using ${name}.`,
        toolCalls: [{ id, name, arguments: JSON.stringify(args) }],
      },
      { role: 'tool', toolCallId: id, name, content: output, isError },
    );
    return this;
  }

  testRun(): this {
    const noise = Array.from({ length: 300 }, (_, i) => ` ✓ test/other.test.ts > passes case ${i}`).join(
      '\n',
    );
    return this.call(
      'terminal',
      { command: 'npm test' },
      `${noise}\n${FAILING_TEST}\n${ASSERTION}\n[exit code 1]`,
      true,
    );
  }

  read(path: string, content: string, range: Record<string, number> = {}): this {
    return this.call('read', { path, ...range }, content);
  }

  user(content: string): this {
    this.messages.push({ role: 'user', content });
    return this;
  }

  state(): CompactionState {
    return { system: SYSTEM, messages: this.messages };
  }
}

const fileBody = (tag: string, lines = 200) =>
  Array.from({ length: lines }, (_, i) => `${i + 1}\tconst value${i} = "${tag}"; // line of ${tag}`).join(
    '\n',
  );

const counter = new EstimatingTokenCounter();
const noSummary: Summarize = () => Promise.reject(new Error('summary not expected in this test'));

/** Every tool call has exactly one result after it, and every result answers an earlier call. */
function expectPaired(messages: readonly Message[]): void {
  const open = new Set<string>();
  for (const message of messages) {
    if (message.role === 'assistant') {
      expect(open.size, 'a call was left without its result').toBe(0);
      for (const call of message.toolCalls) open.add(call.id);
    } else if (message.role === 'tool') {
      expect(open.delete(message.toolCallId), `orphan result ${message.toolCallId}`).toBe(true);
    }
  }
  expect(open.size).toBe(0);
}

const toolResults = (messages: readonly Message[]) =>
  messages.filter((m): m is ToolResultMessage => m.role === 'tool');

describe('masking old tool outputs', () => {
  it('stubs old outputs but keeps every call paired, the failure lines, and the recent turns intact', async () => {
    const conversation = new Conversation();
    for (let i = 0; i < 8; i++) conversation.testRun();
    const state = conversation.state();
    const compactor = new Compactor({ counter, window: countPrompt(counter, state), recentTurns: 2 });

    const outcome = await compactor.compact(state, { reason: 'threshold', summarize: noSummary });

    expect(outcome.strategy).toBe('mask');
    expect(outcome.freedEnough).toBe(true);
    expect(outcome.tokensAfter).toBeLessThanOrEqual(compactor.targetTokens);
    expectPaired(outcome.messages);
    expect(outcome.messages[0]).toBe(TASK);
    const results = toolResults(outcome.messages);
    const masked = results.filter((r) =>
      r.content.startsWith('[output of `npm test` elided: 303 lines; exit 1;'),
    );
    expect(masked.length).toBeGreaterThan(0);
    for (const stub of masked) {
      expect(stub.content).toContain(FAILING_TEST);
      expect(stub.content).toContain(ASSERTION);
      expect(stub.content).not.toContain('passes case 7');
    }
    expect(outcome.messages.slice(-4)).toEqual(state.messages.slice(-4));
  });

  it('elides the bulky text of old writes but keeps the call valid JSON', async () => {
    const conversation = new Conversation().call(
      'write',
      { path: 'src/big.ts', content: fileBody('w', 400) },
      'Wrote src/big.ts',
    );
    for (let i = 0; i < 3; i++)
      conversation.call('terminal', { command: `echo ${i}` }, `${i}\n[exit code 0]`);
    const state = conversation.state();
    const compactor = new Compactor({ counter, window: countPrompt(counter, state), recentTurns: 1 });

    const outcome = await compactor.compact(state, { reason: 'threshold', summarize: noSummary });

    const write = outcome.messages[1];
    expect(write?.role === 'assistant' && JSON.parse(write.toolCalls[0]!.arguments)).toEqual({
      path: 'src/big.ts',
      content: expect.stringMatching(/^\[[\d,]+ characters elided\]$/),
    });
  });
});

describe('deduplicating repeated reads', () => {
  it('keeps only the newest read of a file and leaves other ranges alone', async () => {
    const conversation = new Conversation()
      .read('src/invoice.ts', fileBody('v1'))
      .read('src/invoice.ts', fileBody('range'), { offset: 400, limit: 50 })
      .read('src/invoice.ts', fileBody('v2'))
      .read('src/other.ts', fileBody('other'))
      .read('src/invoice.ts', fileBody('v3'));
    const state = conversation.state();
    // Room for everything but one copy of the file: dedupe alone must suffice.
    const compactor = new Compactor({ counter, window: Math.ceil(countPrompt(counter, state) / 0.6) - 1 });

    const outcome = await compactor.compact(state, { reason: 'threshold', summarize: noSummary });

    expect(outcome.strategy).toBe('dedupe');
    const contents = toolResults(outcome.messages).map((r) => r.content);
    expect(contents.filter((c) => c.includes('line of v3'))).toHaveLength(1);
    expect(contents.some((c) => c.includes('line of v1') || c.includes('line of v2'))).toBe(false);
    expect(contents.filter((c) => c.includes('superseded by a later read'))).toHaveLength(2);
    expect(contents.some((c) => c.includes('line of range'))).toBe(true);
    expect(contents.some((c) => c.includes('line of other'))).toBe(true);
  });
});

describe('summarising the middle', () => {
  function longSession(): Conversation {
    const conversation = new Conversation().read('src/invoice.ts', fileBody('invoice')).testRun();
    conversation.call(
      'edit',
      { path: 'src/invoice.ts', old_string: 'a', new_string: 'b' },
      'Edited src/invoice.ts',
    );
    conversation.user('Please also keep the public API of src/invoice.ts unchanged.');
    // Many small outputs: masking frees little, so only a summary brings the prompt down.
    for (let i = 0; i < 40; i++) conversation.read(`src/module${i}.ts`, fileBody(`m${i}`, 2));
    return conversation;
  }

  it('keeps the system prompt, the task, the user messages, the recent turns and the files touched', async () => {
    const state = longSession().state();
    const compactor = new Compactor({ counter, window: 4_000, recentTurns: 2 });
    const seen: Message[][] = [];
    const summarize: Summarize = async (messages, instructions) => {
      seen.push(messages);
      expect(instructions).toContain('## Failing tests and errors');
      return '## Task\nFix rounding.\n## What remains\nRun npm test.';
    };

    const outcome = await compactor.compact(state, { reason: 'threshold', summarize });

    expect(outcome.strategy).toBe('summary');
    expect(outcome.tokensAfter).toBeLessThan(compactor.thresholdTokens);
    expect(outcome.freedEnough).toBe(true);
    expect(seen).toHaveLength(1);
    expectPaired(outcome.messages);
    const [task, summary, userMessage, ...recent] = outcome.messages;
    expect(task).toBe(TASK);
    expect(summary && isSummary(summary)).toBe(true);
    expect(summary?.content).toContain('Fix rounding.');
    expect(summary?.content).toMatch(/## Files already read[^\n]*\n\n- src\/invoice\.ts\n- src\/module0\.ts/);
    expect(summary?.content).toMatch(/## Files edited\n\n- src\/invoice\.ts\n/);
    expect(summary?.content).toContain(FAILING_TEST);
    expect(summary?.content).toContain(ASSERTION);
    expect(userMessage).toEqual({
      role: 'user',
      content: 'Please also keep the public API of src/invoice.ts unchanged.',
    });
    expect(recent).toEqual(state.messages.slice(-4));
  });

  it('carries the files and failures of an earlier summary into the next one', async () => {
    const compactor = new Compactor({ counter, window: 4_000, recentTurns: 2 });
    const summarize: Summarize = async () => 'Nothing to add.';
    const first = await compactor.compact(longSession().state(), { reason: 'threshold', summarize });
    const later = new Conversation();
    later.messages.splice(0, later.messages.length, ...first.messages);
    for (let i = 0; i < 40; i++) later.read(`src/late${i}.ts`, fileBody(`l${i}`, 2));

    const second = await compactor.compact(later.state(), { reason: 'threshold', summarize });

    expect(second.strategy).toBe('summary');
    const summaries = second.messages.filter(isSummary);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.content).toContain('- src/invoice.ts');
    expect(summaries[0]?.content).toContain('- src/late0.ts');
    expect(summaries[0]?.content).toContain(ASSERTION);
    expect(second.messages.filter((m) => m.content.startsWith('Please also keep'))).toHaveLength(1);
    expectPaired(second.messages);
  });

  it('drops a failure once a later run of the same command passes, however noisy other commands are', async () => {
    const compactor = new Compactor({ counter, window: 4_000, recentTurns: 2 });
    const conversation = longSession();
    for (let i = 0; i < 10; i++) {
      const lint = Array.from({ length: 20 }, (_, j) => `  ${j}:1  error  'x${i}_${j}' is never used`).join(
        '\n',
      );
      conversation.call('terminal', { command: 'npm run lint' }, `${lint}\n[exit code 1]`, true);
    }
    const first = await compactor.compact(conversation.state(), {
      reason: 'threshold',
      summarize: async () => '',
    });
    expect(first.messages[1]?.content).toContain(ASSERTION);

    const later = new Conversation();
    later.messages.splice(0, later.messages.length, ...first.messages);
    later.call('terminal', { command: 'npm test' }, ' Tests  301 passed (301)\n[exit code 0]');
    for (let i = 0; i < 40; i++) later.read(`src/late${i}.ts`, fileBody(`l${i}`, 2));
    const second = await compactor.compact(later.state(), { reason: 'threshold', summarize: async () => '' });

    expect(second.strategy).toBe('summary');
    expect(second.messages[1]?.content).not.toContain(ASSERTION);
    expect(second.messages[1]?.content).toContain("'x9_0' is never used");
  });

  it('still compacts with the harness facts when the model cannot summarise', async () => {
    const compactor = new Compactor({ counter, window: 4_000, recentTurns: 2 });
    const summarize: Summarize = () => Promise.reject(new Error('overloaded'));

    const outcome = await compactor.compact(longSession().state(), { reason: 'threshold', summarize });

    expect(outcome.strategy).toBe('summary');
    expect(outcome.messages[1]?.content).toContain("The model's summary is unavailable: overloaded");
    expect(outcome.messages[1]?.content).toContain(FAILING_TEST);
  });

  it('summarises on request even below the threshold', async () => {
    const state = longSession().state();
    const compactor = new Compactor({ counter, window: 1_000_000 });

    const outcome = await compactor.compact(state, { reason: 'user', summarize: async () => 'Short.' });

    expect(outcome.strategy).toBe('summary');
    expect(outcome.tokensAfter).toBeLessThan(outcome.tokensBefore);
  });
});

describe('when compaction cannot help', () => {
  it('reports freedEnough=false when there is nothing to free', async () => {
    const state: CompactionState = {
      system: SYSTEM + 'x'.repeat(40_000),
      messages: new Conversation().call('terminal', { command: 'ls' }, 'README.md\n[exit code 0]').messages,
    };
    const compactor = new Compactor({ counter, window: countPrompt(counter, state) });

    const outcome = await compactor.compact(state, { reason: 'context_length', summarize: noSummary });

    expect(outcome.strategy).toBe('none');
    expect(outcome.freedEnough).toBe(false);
    expect(outcome.messages).toEqual(state.messages);
  });

  it('masks even the last output when it alone would overflow the window, keeping its failure lines', async () => {
    const conversation = new Conversation().call(
      'terminal',
      { command: 'npm test' },
      `${fileBody('log', 3000)}\n${ASSERTION}\n[exit code 1]`,
      true,
    );
    const state = conversation.state();
    const compactor = new Compactor({ counter, window: 8_000 });

    const outcome = await compactor.compact(state, { reason: 'threshold', summarize: noSummary });

    expect(outcome.tokensAfter).toBeLessThan(compactor.thresholdTokens);
    expect(outcome.freedEnough).toBe(true);
    expect(outcome.messages.at(-1)?.content).toContain(ASSERTION);
  });
});

describe('compaction is deterministic', () => {
  it('compacts the same conversation to byte-identical messages, every step taken', async () => {
    const run = async () => {
      const conversation = new Conversation();
      for (let i = 0; i < 6; i++) conversation.testRun().read('src/invoice.ts', fileBody(`v${i}`));
      const compactor = new Compactor({ counter, window: 6_000, summaryInstructions: 'Summarise.' });
      return compactor.compact(conversation.state(), {
        reason: 'user',
        summarize: async (m) => `${m.length} messages`,
      });
    };
    const first = await run();
    const second = await run();

    // The subject is a compaction that happened: /compact took every step down to a summary, and the prompt shrank.
    expect(first.strategy).toBe('summary');
    expect(first.tokensAfter).toBeLessThan(first.tokensBefore / 2);
    expect(first.messages.some(isSummary)).toBe(true);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });
});

describe('shouldCompact', () => {
  it('triggers at 80% of the window by default', () => {
    const state = new Conversation().read('src/a.ts', fileBody('a')).state();
    const tokens = countPrompt(counter, state);
    expect(new Compactor({ counter, window: Math.floor(tokens / 0.8) }).shouldCompact(state)).toBe(true);
    expect(new Compactor({ counter, window: Math.ceil(tokens / 0.8) + 10 }).shouldCompact(state)).toBe(false);
  });
});

describe('token counting', () => {
  it('is exact for OpenAI models, including text that looks like a control token', async () => {
    const gpt = await createTokenCounter('gpt-4o');
    expect(gpt.exact).toBe(true);
    expect(gpt.count('hello world')).toBe(2);
    expect(gpt.count('a <|endoftext|> b')).toBeGreaterThan(3);
    const routed = await createTokenCounter('openai/gpt-5-mini');
    expect(routed.exact).toBe(true);
    expect(routed.count('const answer = 42;')).toBe(gpt.count('const answer = 42;'));
  });

  it('estimates for other models and scales later estimates by what the provider reported', async () => {
    const claude = await createTokenCounter('claude-sonnet-4-5');
    expect(claude.exact).toBe(false);
    expect((await createTokenCounter('qwen2.5-coder:7b')).exact).toBe(false);
    const text = fileBody('calibration');
    const estimated = claude.count(text);
    expect(estimated).toBeGreaterThan(text.length / 5);
    expect(estimated).toBeLessThan(text.length / 2);

    claude.calibrate(estimated, estimated * 1.5);

    expect(claude.count(text)).toBeCloseTo(estimated * 1.5, -1);
  });
});

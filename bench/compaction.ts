import { performance } from 'node:perf_hooks';
import type { Message } from '../src/core/messages.js';
import { Compactor, type CompactionState, type Summarize } from '../src/context/compaction/compactor.js';
import { countPrompt, createTokenCounter } from '../src/context/compaction/token-counter.js';
import { capHeadTail } from '../tools/output-cap.js';
import { median, type BenchSection } from './report.js';

const WINDOW = 16_000;
const TURNS = 120;
const FIX_TURN = 113;
const USER_TURN = 29;
const USER_MESSAGE = 'Keep the public API of src/ledger.ts unchanged.';
const FAILING_TEST = 'FAIL  test/ledger.test.ts > ledger > carries_remainder_across_months';
const ASSERTION = 'AssertionError: expected 1204.17 to equal 1204.18 // Object.is equality';
const SYSTEM = `You are agent, a coding agent.\n# Project instructions (AGENTS.md)\n${'Run npm test before finishing. '.repeat(20)}`;
const FILES = ['src/ledger.ts', 'src/money.ts', 'src/month.ts', 'src/report.ts', 'src/index.ts'];

/**
 * A long scripted session in a 16k window: large test and lint outputs, the
 * same files read again and again, a user message halfway, and one failing
 * test seen only at the start, until it is fixed near the end. Every turn the
 * prompt is measured with and without compaction.
 */
export async function run(): Promise<BenchSection> {
  const counter = await createTokenCounter('gpt-4o');
  const compactor = new Compactor({ counter, window: WINDOW });
  const full: Message[] = [task];
  let compacted: Message[] = [task];
  let sentWithout = 0;
  let sentWith = 0;
  let maxPrompt = 0;
  let turnsOverWindowWithout = 0;
  let compactions = 0;
  let survived = 0;
  let summaries = 0;
  let userMessageKept = 0;
  const compactionMs: number[] = [];

  for (let turn = 1; turn <= TURNS; turn++) {
    const step = scriptedTurn(turn);
    full.push(...step);
    compacted.push(...step);
    const prompt = (messages: Message[]): CompactionState => ({ system: SYSTEM, messages });
    if (compactor.shouldCompact(prompt(compacted))) {
      const started = performance.now();
      const outcome = await compactor.compact(prompt(compacted), {
        reason: 'threshold',
        summarize: extractiveSummary,
      });
      compactionMs.push(performance.now() - started);
      compacted = outcome.messages;
      compactions++;
      if (outcome.strategy === 'summary') summaries++;
      const text = compacted.map((m) => m.content).join('\n');
      if (turn >= FIX_TURN || (text.includes(FAILING_TEST) && text.includes(ASSERTION))) survived++;
      if (turn < USER_TURN || compacted.some((m) => m.role === 'user' && m.content === USER_MESSAGE))
        userMessageKept++;
    }
    const withoutTokens = countPrompt(counter, prompt(full));
    const withTokens = countPrompt(counter, prompt(compacted));
    sentWithout += withoutTokens;
    sentWith += withTokens;
    maxPrompt = Math.max(maxPrompt, withTokens);
    if (withoutTokens > WINDOW) turnsOverWindowWithout++;
  }

  return {
    title: `Compaction (${TURNS}-turn scripted session, ${WINDOW.toLocaleString('en-US')}-token window)`,
    figures: [
      { name: 'tokens sent without compaction', value: sentWithout, unit: 'tokens' },
      { name: 'tokens sent with compaction', value: sentWith, unit: 'tokens' },
      {
        name: 'ratio without / with',
        value: sentWithout / sentWith,
        unit: 'x',
        target: '>= 2x',
        pass: sentWithout / sentWith >= 2,
      },
      {
        name: 'largest prompt with compaction',
        value: (100 * maxPrompt) / WINDOW,
        unit: '% of window',
        target: '< 100%',
        pass: maxPrompt < WINDOW,
      },
      { name: 'turns over the window without compaction', value: turnsOverWindowWithout, unit: 'turns' },
      { name: 'compactions', value: compactions, unit: '' },
      { name: 'compactions that needed a model summary', value: summaries, unit: '' },
      {
        name: 'failing test and error survived',
        value: survived,
        unit: `of ${compactions}`,
        target: 'all',
        pass: survived === compactions,
      },
      {
        name: "user's message kept verbatim",
        value: userMessageKept,
        unit: `of ${compactions}`,
        target: 'all',
        pass: userMessageKept === compactions,
      },
      { name: 'compaction time (median)', value: median(compactionMs), unit: 'ms' },
    ],
    notes: [
      "Exact o200k token counts. The summariser is a deterministic stand-in that works only from the turns it is given (the first line of each assistant message); it never looks for failures, so their survival is the harness's doing.",
    ],
  };
}

const task: Message = {
  role: 'user',
  content: 'The monthly ledger loses a cent when carrying remainders. Fix it so that `npm test` passes.',
};

/** The first line of each assistant message it is given: what a weak summariser would keep. */
const extractiveSummary: Summarize = async (messages) =>
  messages
    .filter((m) => m.role === 'assistant')
    .map((m) => `- ${m.content.split('\n')[0]}`)
    .join('\n');

function scriptedTurn(turn: number): Message[] {
  if (turn === 3 || turn === TURNS)
    return toolTurn(turn, 'terminal', { command: 'npm test' }, testOutput(turn === TURNS), turn !== TURNS);
  if (turn === FIX_TURN)
    return toolTurn(
      turn,
      'edit',
      { path: 'src/ledger.ts', old_string: 'Math.floor', new_string: 'Math.round' },
      'Edited src/ledger.ts',
    );
  if (turn % 7 === 0) return toolTurn(turn, 'terminal', { command: 'npm run lint' }, lintOutput(turn), true);
  if (turn % 5 === 0) return toolTurn(turn, 'search', { pattern: 'remainder' }, searchOutput(turn));
  const user: Message[] = turn === USER_TURN ? [{ role: 'user', content: USER_MESSAGE }] : [];
  const file = FILES[turn % FILES.length]!;
  return [...user, ...toolTurn(turn, 'read', { path: file }, fileContent(file, turn))];
}

function toolTurn(
  turn: number,
  name: string,
  args: Record<string, unknown>,
  output: string,
  isError = false,
): Message[] {
  const id = `call_${turn}`;
  return [
    {
      role: 'assistant',
      content: `Step ${turn}: running ${name} to make progress on the ledger fix.`,
      toolCalls: [{ id, name, arguments: JSON.stringify(args) }],
    },
    { role: 'tool', toolCallId: id, name, content: output, isError },
  ];
}

function testOutput(passing: boolean): string {
  const cases = Array.from(
    { length: 600 },
    (_, i) => ` ✓ test/suite${i % 40}.test.ts > case ${i} passes with the expected totals`,
  );
  const failure = passing
    ? []
    : [FAILING_TEST, ASSERTION, ' ❯ test/ledger.test.ts:88:31', '- Expected  1204.18', '+ Received  1204.17'];
  const verdict = passing ? ' Tests  601 passed (601)' : ' Tests  1 failed | 600 passed (601)';
  return capHeadTail([...cases, ...failure, verdict, `[exit code ${passing ? 0 : 1}]`].join('\n'));
}

function lintOutput(turn: number): string {
  const problems = Array.from(
    { length: 120 },
    (_, i) => `  ${i + 1}:${turn}  error  'unused${i}' is assigned a value but never used  no-unused-vars`,
  );
  return capHeadTail(
    [`/repo/src/report.ts`, ...problems, `✖ ${problems.length} problems`, '[exit code 1]'].join('\n'),
  );
}

function searchOutput(turn: number): string {
  return Array.from(
    { length: 40 },
    (_, i) =>
      `src/${FILES[i % FILES.length]}:${i * 3 + turn}: const remainder${i} = total % months; // carry`,
  ).join('\n');
}

/** A file whose content changes a little between reads, as it would while being edited. */
function fileContent(file: string, turn: number): string {
  return Array.from(
    { length: 150 },
    (_, i) =>
      `${i + 1}\texport function ${file.slice(4, -3)}Step${i}(amount: number) { return amount * ${turn % 3} + ${i}; }`,
  ).join('\n');
}

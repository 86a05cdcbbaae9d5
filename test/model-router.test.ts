import { describe, expect, it } from 'vitest';
import type { Message } from '../src/core/messages.js';
import { pickModel, pickSummaryModel, type ModelChoice } from '../src/orchestrator/model-router.js';
import { PromptCaches } from '../src/orchestrator/prompt-caches.js';
import { priceOf } from '../src/providers/prices.js';
import type { ToolKind } from '../tools/tool.js';

const task: Message = { role: 'user', content: 'fix the tests' };
const call = (id: string): Message => ({
  role: 'assistant',
  content: '',
  toolCalls: [{ id, name: 'read', arguments: '{"path":"a.ts"}' }],
});
const result = (id: string, isError = false): Message => ({
  role: 'tool',
  toolCallId: id,
  name: 'read',
  content: isError ? 'a.ts does not exist' : '1\tconst a = 1;',
  isError,
});
/** One step: a call and its result. */
const step = (id: string, fails = false): Message[] => [call(id), result(id, fails)];

describe('model routing', () => {
  const models = { main: 'strong', fast: 'quick' };

  it('plans with the strong model and takes routine steps with the fast one, saying why', () => {
    expect(pickModel(models, [task])).toEqual({ model: 'strong', reason: 'first_turn' });
    expect(pickModel(models, [task, ...step('1')])).toEqual({ model: 'quick', reason: 'routine' });
  });

  it('goes back to the strong model after a failed call of an unknown kind, and after the user speaks', () => {
    expect(pickModel(models, [task, ...step('1', true)])).toEqual({
      model: 'strong',
      reason: 'after_failure',
    });
    const twoCalls: Message = {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: '2', name: 'read', arguments: '{}' },
        { id: '3', name: 'read', arguments: '{}' },
      ],
    };
    expect(pickModel(models, [task, twoCalls, result('2'), result('3', true)]).model).toBe('strong');
    expect(pickModel(models, [task, ...step('1'), { role: 'user', content: 'also fix lint' }])).toEqual({
      model: 'strong',
      reason: 'user_spoke',
    });
  });

  it('keeps the strong model after repeated failures until routine steps succeed again', () => {
    const failing = [task, ...step('1', true), ...step('2', true)];
    // One failure, then success: back to the fast model at once.
    expect(pickModel(models, [task, ...step('1', true), ...step('2')]).model).toBe('quick');
    // Two failures, then one success: still stuck, the strong model keeps the work.
    expect(pickModel(models, [...failing, ...step('3')])).toEqual({
      model: 'strong',
      reason: 'repeated_failures',
    });
    // Two successes after them: routine again.
    expect(pickModel(models, [...failing, ...step('3'), ...step('4')])).toEqual({
      model: 'quick',
      reason: 'routine',
    });
  });

  it('sends a prompt too large for the fast model to the strong one', () => {
    const small = { ...models, fastContextWindow: 1000 };
    expect(pickModel(small, [task, ...step('1')], 999).model).toBe('quick');
    expect(pickModel(small, [task, ...step('1')], 1001)).toEqual({
      model: 'strong',
      reason: 'context_too_large',
    });
  });

  it('writes compaction summaries with the fast model when the transcript fits it', () => {
    expect(pickSummaryModel(models, 10)).toEqual({ model: 'quick', reason: 'summary' });
    expect(pickSummaryModel({ main: 'strong' }, 10)).toEqual({ model: 'strong', reason: 'summary' });
    expect(pickSummaryModel({ ...models, fastContextWindow: 100 }, 101)).toEqual({
      model: 'strong',
      reason: 'context_too_large',
    });
  });

  it('uses the one model it has when no fast model is configured', () => {
    expect(pickModel({ main: 'strong' }, [task, ...step('1')])).toEqual({
      model: 'strong',
      reason: 'routine',
    });
  });

  it('lets the model that signed its reasoning finish the tool-use cycle it started', () => {
    const thought = (model: string): Message => ({
      ...(call('1') as Extract<Message, { role: 'assistant' }>),
      reasoning: [{ provider: 'anthropic', model, data: { type: 'thinking' } }],
    });
    expect(pickModel(models, [task, thought('strong'), result('1')]).model).toBe('strong');
    expect(pickModel(models, [task, thought('quick'), result('1', true)])).toEqual({
      model: 'quick',
      reason: 'own_reasoning',
    });
  });

  describe('tool errors', () => {
    const kinds: Record<string, ToolKind> = { read: 'read', edit: 'edit', terminal: 'execute' };
    const kindOf = (tool: string) => kinds[tool];
    const attempt = (id: string, tool: string, fails: boolean): Message[] => [
      { role: 'assistant', content: '', toolCalls: [{ id, name: tool, arguments: '{}' }] },
      { role: 'tool', toolCallId: id, name: tool, content: fails ? 'it failed' : 'ok', isError: fails },
    ];
    const pick = (history: Message[], choice: ModelChoice = models, promptTokens = 0) =>
      pickModel(choice, history, promptTokens, kindOf);

    it('retries a failed read or edit once on the fast model, but sends a failed command to the strong one', () => {
      const route = { model: 'quick', reason: 'tool_error' };
      expect(pick([task, ...attempt('1', 'edit', true)])).toEqual(route);
      expect(pick([task, ...attempt('1', 'read', true)])).toEqual(route);
      expect(pick([task, ...attempt('1', 'terminal', true)])).toEqual({
        model: 'strong',
        reason: 'after_failure',
      });
    });

    it('treats a batch with a failed command as a failure to understand, whatever else failed in it', () => {
      const batch: Message[] = [
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: '1', name: 'edit', arguments: '{}' },
            { id: '2', name: 'terminal', arguments: '{}' },
          ],
        },
        { role: 'tool', toolCallId: '1', name: 'edit', content: 'missed', isError: true },
        { role: 'tool', toolCallId: '2', name: 'terminal', content: 'exit 1', isError: true },
      ];
      expect(pick([task, ...batch])).toEqual({ model: 'strong', reason: 'after_failure' });
    });

    it('escalates when the fast retry fails too, and keeps the strong model until successes come back', () => {
      const twoMisses = [task, ...attempt('1', 'edit', true), ...attempt('2', 'edit', true)];
      expect(pick(twoMisses)).toEqual({ model: 'strong', reason: 'after_failure' });
      expect(pick([...twoMisses, ...attempt('3', 'read', false)])).toEqual({
        model: 'strong',
        reason: 'repeated_failures',
      });
      // An earlier failed command within the window: no cheap retry either.
      const afterCommand = [task, ...attempt('1', 'terminal', true), ...attempt('2', 'edit', true)];
      expect(pick(afterCommand)).toEqual({ model: 'strong', reason: 'after_failure' });
      // Out of the window, a new tool error gets its retry again.
      const later = [...twoMisses, ...['3', '4', '5'].flatMap((id) => attempt(id, 'read', false))];
      expect(pick([...later, ...attempt('6', 'edit', true)])).toEqual({
        model: 'quick',
        reason: 'tool_error',
      });
    });

    it('keeps the retry on the strong model without a fast one, or when the prompt is too large for it', () => {
      const missed = [task, ...attempt('1', 'edit', true)];
      expect(pick(missed, { main: 'strong' })).toEqual({ model: 'strong', reason: 'after_failure' });
      expect(pick(missed, { ...models, fastContextWindow: 100 }, 101)).toEqual({
        model: 'strong',
        reason: 'context_too_large',
      });
    });
  });

  describe('by cost, among the steps quality leaves to the fast model', () => {
    const priced = { main: 'claude-sonnet-4-5', fast: 'claude-haiku-4-5' };
    const kinds: Record<string, ToolKind> = { read: 'read', edit: 'edit', terminal: 'execute' };
    const kindOf = (tool: string) => kinds[tool];

    /**
     * A session driven through the router, its calls answered as the provider
     * would report them: with caching, as Anthropic caches (each model reads
     * the prompt it was last sent and writes the rest, nothing under its
     * minimum); without, no cache tokens at all. Each step adds 800 tokens
     * (a file read and the model's 200-token reply) to a prompt of 20,000.
     */
    function drive({ caching = true, firstPrompt = 20_000, secondsPerStep = 10 } = {}) {
      let now = 0;
      const caches = new PromptCaches(
        (model) => priceOf(model),
        () => now,
      );
      const providerCache = new Map<string, number>();
      const history: Message[] = [task];
      let tokens = firstPrompt;
      let id = 0;
      const routes: string[] = [];
      const turn = (): string => {
        const prompt = { system: 'system', messages: history };
        const promptTokens = tokens;
        const { model, reason } = pickModel(priced, history, promptTokens, kindOf, (candidate, steps) =>
          caches.cost(candidate, prompt, promptTokens, steps),
        );
        const cached = caching && tokens >= priceOf(model)!.cacheMinTokens!;
        const read = cached ? (providerCache.get(model) ?? 0) : 0;
        if (cached) providerCache.set(model, tokens);
        caches.record(model, prompt, {
          inputTokens: tokens,
          outputTokens: 200,
          cacheReadTokens: read,
          cacheWriteTokens: cached ? tokens - read : 0,
        });
        routes.push(`${model === priced.main ? 'main' : 'fast'}:${reason}`);
        return routes.at(-1)!;
      };
      /** The model's call (its tool) and the result, then the next turn's route. */
      const step = (tool = 'read', fails = false): string => {
        const callId = String(++id);
        history.push(
          { role: 'assistant', content: '', toolCalls: [{ id: callId, name: tool, arguments: '{}' }] },
          { role: 'tool', toolCallId: callId, name: tool, content: fails ? 'failed' : 'ok', isError: fails },
        );
        tokens += 800;
        now += secondsPerStep * 1000;
        return turn();
      };
      return { turn, step, routes };
    }

    it('keeps a routine step on the main model while its warm cache makes it cheaper, saying so', () => {
      const session = drive();
      expect(session.turn()).toBe('main:first_turn');
      // 20k tokens cached on the main model: reading them costs less than the fast model writing them all.
      expect(session.step()).toBe('main:cache_warm');
      // A failed read's retry is left to cost too.
      expect(session.step('read', true)).toBe('main:cache_warm');
    });

    it('moves a long run of routine steps to the fast model, and keeps it there', () => {
      const session = drive();
      session.turn();
      for (let i = 0; i < 12; i++) session.step();
      const routine = session.routes.slice(1);
      const firstFast = routine.indexOf('fast:routine');
      // The first few steps stay where the cache is warm; once the run is long enough to pay for the switch, it moves for good.
      expect(firstFast).toBeGreaterThan(0);
      expect(routine.slice(0, firstFast).every((r) => r === 'main:cache_warm')).toBe(true);
      expect(routine.slice(firstFast).every((r) => r === 'fast:routine')).toBe(true);
    });

    it('does not ping-pong: a failure goes to the main model, and the routine steps after it stay on the fast one', () => {
      const session = drive();
      session.turn();
      for (let i = 0; i < 8; i++) session.step();
      expect(session.routes.at(-1)).toBe('fast:routine');
      expect(session.step('terminal', true)).toBe('main:after_failure');
      for (let i = 0; i < 6; i++) expect(session.step()).toBe('fast:routine');
      // Over the whole sequence the model changed three times: to fast, to main for the failure, back to fast.
      const models = session.routes.map((r) => r.split(':')[0]);
      expect(models.filter((m, i) => i > 0 && m !== models[i - 1])).toEqual(['fast', 'main', 'fast']);
    });

    it('sends routine steps to the fast model at once when the provider reports no caching', () => {
      const session = drive({ caching: false });
      session.turn();
      expect(session.step()).toBe('fast:routine');
      expect(session.step('edit', true)).toBe('fast:tool_error');
    });

    it('counts a cache as cold once it has expired', () => {
      // Six minutes between steps: the main model's cache is gone by the next one.
      const session = drive({ secondsPerStep: 360 });
      session.turn();
      expect(session.step()).toBe('fast:routine');
    });

    it('leaves quality’s choices alone', () => {
      const session = drive();
      session.turn();
      expect(session.step('terminal', true)).toBe('main:after_failure');
    });
  });
});

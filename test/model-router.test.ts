import { describe, expect, it } from 'vitest';
import type { Message } from '../src/core/messages.js';
import { pickModel, pickSummaryModel } from '../src/orchestrator/model-router.js';

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

  it('goes back to the strong model after any failed call, and after the user speaks', () => {
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
});

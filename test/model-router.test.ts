import { describe, expect, it } from 'vitest';
import type { Message } from '../src/core/messages.js';
import { pickModel } from '../src/orchestrator/model-router.js';

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

describe('model routing', () => {
  const models = { main: 'strong', fast: 'quick' };

  it('plans with the strong model and takes routine steps with the fast one', () => {
    expect(pickModel(models, [task])).toBe('strong');
    expect(pickModel(models, [task, call('1'), result('1')])).toBe('quick');
  });

  it('goes back to the strong model after any failed call, and after the user speaks', () => {
    expect(pickModel(models, [task, call('1'), result('1', true)])).toBe('strong');
    const twoCalls: Message = {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: '2', name: 'read', arguments: '{}' },
        { id: '3', name: 'read', arguments: '{}' },
      ],
    };
    expect(pickModel(models, [task, twoCalls, result('2'), result('3', true)])).toBe('strong');
    expect(
      pickModel(models, [task, call('1'), result('1'), { role: 'user', content: 'also fix lint' }]),
    ).toBe('strong');
  });

  it('uses the one model it has when no fast model is configured', () => {
    expect(pickModel({ main: 'strong' }, [task, call('1'), result('1')])).toBe('strong');
  });

  it('lets the model that signed its reasoning finish the tool-use cycle it started', () => {
    const thought = (model: string): Message => ({
      ...(call('1') as Extract<Message, { role: 'assistant' }>),
      reasoning: [{ provider: 'anthropic', model, data: { type: 'thinking' } }],
    });
    expect(pickModel(models, [task, thought('strong'), result('1')])).toBe('strong');
    expect(pickModel(models, [task, thought('quick'), result('1', true)])).toBe('quick');
  });
});

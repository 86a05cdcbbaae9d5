import { expect } from 'vitest';
import { ProviderError, type ModelRequest } from '../../src/providers/provider.js';

/** A request as the session sends it: a task and the read and search tools. */
export const modelRequest = (overrides: Partial<ModelRequest> = {}): ModelRequest => ({
  model: 'test-model',
  system: 'You are terse.',
  messages: [{ role: 'user', content: 'fix the bug' }],
  tools: [
    {
      name: 'read',
      description: 'Read a file',
      parameters: { type: 'object', properties: { path: { type: 'string' } } },
    },
    { name: 'search', description: 'Search the repo', parameters: { type: 'object', properties: {} } },
  ],
  maxOutputTokens: 1000,
  ...overrides,
});

/** The ProviderError a call must fail with. */
export const providerFailure = (promise: Promise<unknown>): Promise<ProviderError> =>
  promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(ProviderError);
      return error as ProviderError;
    },
  );

/** A scripted answer with text and two tool calls. */
export const twoCalls = {
  text: 'Reading both.',
  toolCalls: [
    { name: 'read', arguments: { path: 'src/a.ts' } },
    { name: 'search', arguments: { query: 'add(' } },
  ],
};

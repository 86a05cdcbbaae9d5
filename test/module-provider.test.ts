import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModuleProvider } from '../src/providers/module-provider.js';
import type { ModelRequest } from '../src/providers/provider.js';
import { withRetries } from '../src/providers/retry.js';

function moduleFile(source: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'agent-module-')), 'provider.mjs');
  writeFileSync(file, source);
  return file;
}

const request: ModelRequest = {
  model: 'm',
  system: '',
  messages: [{ role: 'user', content: 'hi' }],
  tools: [],
  maxOutputTokens: 100,
};

describe('provider modules', () => {
  it('get the options, and their loose answers are completed: arguments as JSON text, ids, counts, stop reason', async () => {
    const file = moduleFile(`
      export default (options) => ({
        name: 'loose-' + options.options.flavour,
        complete: async (request) => ({
          toolCalls: [{ name: 'read', arguments: { path: request.model + '.ts' } }],
          usage: { inputTokens: 5 },
        }),
      });`);
    const provider = await loadModuleProvider(file, { model: 'm', options: { flavour: 'x' } });
    expect(provider.name).toBe('loose-x');
    expect(await provider.complete(request, {})).toEqual({
      text: '',
      toolCalls: [{ id: 'call_0', name: 'read', arguments: '{"path":"m.ts"}' }],
      usage: { inputTokens: 5, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      stopReason: 'tool_use',
    });
  });

  it('have errors with a retryable kind retried, and others end the turn with their own message', async () => {
    const file = moduleFile(`
      let calls = 0;
      export default () => ({
        name: 'flaky',
        async complete(request) {
          calls++;
          if (request.model === 'broken') throw new Error('my backend said no');
          if (calls === 1) throw Object.assign(new Error('slow down'), { kind: 'rate_limit', status: 429 });
          return { text: 'after ' + calls + ' calls' };
        },
      });`);
    const provider = withRetries(await loadModuleProvider(file, { model: 'm', options: {} }), {
      baseDelayMs: 1,
    });
    expect((await provider.complete(request, {})).text).toBe('after 2 calls');
    await expect(provider.complete({ ...request, model: 'broken' }, {})).rejects.toMatchObject({
      message: 'my backend said no',
      kind: 'bad_request',
    });
  });

  it('that export no factory, or a factory returning no provider, are refused with what is expected', async () => {
    await expect(
      loadModuleProvider(moduleFile('export const x = 1;'), { model: 'm', options: {} }),
    ).rejects.toThrow(/must export a default function createProvider\(options\)/);
    await expect(
      loadModuleProvider(moduleFile('export default () => ({ name: "x" });'), { model: 'm', options: {} }),
    ).rejects.toThrow(/must return \{ name: string, complete\(request, handlers\) \}/);
  });
});

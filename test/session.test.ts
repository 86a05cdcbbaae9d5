import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../src/core/events.js';
import { createContextKeeper } from '../src/orchestrator/context-setup.js';
import { Session } from '../src/orchestrator/session.js';
import { createProvider } from '../src/providers/factory.js';
import { modelInfo } from '../src/providers/models.js';
import { HostSandbox } from '../src/sandbox/host.js';
import { builtinTools } from '../tools/index.js';
import { ToolRegistry } from '../tools/registry.js';
import { Workspace } from '../tools/workspace.js';
import { agentTurns, isSummaryRequest, withSummaries } from './scripted-provider/script.js';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';

let server: ScriptedProvider | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Session API', () => {
  it('compacts on request (the /compact call) before the next model turn, with the model writing the summary', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agent-session-'));
    writeFileSync(path.join(dir, 'notes.txt'), 'a fairly long line of notes\n'.repeat(400));
    server = await startScriptedProvider(
      withSummaries((turn) => {
        const reads = turn.messages.filter((m) => m.role === 'tool').length;
        return reads < 3
          ? { toolCalls: [{ name: 'read', arguments: { path: 'notes.txt', offset: reads + 1 } }] }
          : { text: 'done' };
      }, '## Task\nRead the notes three times.'),
    );
    const { provider } = await createProvider({ provider: 'openai', baseUrl: server.openaiBaseUrl, env: {} });
    const events: AgentEvent[] = [];
    const signal = new AbortController().signal;
    const emit = (event: AgentEvent) => {
      events.push(event);
      // The user asks for compaction while the third turn's tools run.
      if (
        event.type === 'tool_call_start' &&
        events.filter((e) => e.type === 'tool_call_start').length === 3
      ) {
        session.requestCompaction();
      }
    };
    const model = modelInfo('gpt-5');
    const session = new Session({
      task: 'read the notes',
      workspace: new Workspace(dir),
      system: 'You are a test.',
      provider,
      models: { main: model.id },
      maxTurns: 10,
      maxOutputTokens: 1000,
      sandbox: new HostSandbox(dir),
      tools: new ToolRegistry(builtinTools),
      emit,
      signal,
      context: createContextKeeper(model, provider, 1000, emit, signal),
    });

    const result = await session.run();

    expect(result.status).toBe('success');
    const compactions = events.filter((e) => e.type === 'compaction');
    expect(compactions).toHaveLength(1);
    expect(compactions[0]!.tokens_after).toBeLessThan(compactions[0]!.tokens_before);
    const turns = agentTurns(server.requests);
    expect(server.requests.filter(isSummaryRequest).length).toBeGreaterThan(0);
    const last = turns.at(-1)!;
    expect(JSON.stringify(last.body).length).toBeLessThan(JSON.stringify(turns.at(-2)!.body).length);
    expect(last.messages[0]).toMatchObject({ role: 'user', content: 'read the notes' });
  });

  it('nudges a model that ends with an empty reply instead of ending the session with nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agent-session-'));
    server = await startScriptedProvider((turn) => (turn.index === 0 ? { text: '' } : { text: 'All done.' }));
    const { provider } = await createProvider({
      provider: 'anthropic',
      baseUrl: server.anthropicBaseUrl,
      apiKey: 'k',
      env: {},
    });
    const events: AgentEvent[] = [];
    const result = await new Session({
      task: 'check',
      workspace: new Workspace(dir),
      system: 'You are a test.',
      provider,
      models: { main: 'claude-sonnet-4-6' },
      maxTurns: 5,
      maxOutputTokens: 1000,
      sandbox: new HostSandbox(dir),
      tools: new ToolRegistry(builtinTools),
      emit: (event) => events.push(event),
      signal: new AbortController().signal,
    }).run();

    expect(result).toMatchObject({ status: 'success', text: 'All done.', turns: 2 });
    expect(server.requests[1]!.messages.at(-1)).toMatchObject({
      role: 'user',
      content: expect.stringMatching(/empty/),
    });
    expect(events.some((e) => e.type === 'notice' && /empty/.test(e.message))).toBe(true);
  });
});

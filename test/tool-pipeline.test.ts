import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../src/core/events.js';
import { Permissions } from '../src/orchestrator/permissions.js';
import { ToolPipeline } from '../src/orchestrator/tool-pipeline.js';
import { ToolRegistry } from '../tools/registry.js';
import { ok, type Tool } from '../tools/tool.js';
import { toolContext } from './support/tool-context.js';

describe('the tool-call pipeline', () => {
  it('runs read-only calls of one turn concurrently, a bounded number at a time, answering in order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const probe: Tool = {
      name: 'probe',
      description: 'records how many calls run at once',
      schema: z.object({ n: z.number() }),
      kind: 'read',
      title: () => 'probe',
      async run(args: { n: number }) {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return ok(`probe ${args.n}`);
      },
    };
    const executor = new ToolPipeline(
      new ToolRegistry([probe]),
      new Permissions('yolo', () => {}),
      (_call, hooks) => ({ ...toolContext('/tmp'), ...hooks }),
      () => {},
    );
    const calls = Array.from({ length: 100 }, (_, n) => ({
      id: `call-${n}`,
      name: 'probe',
      arguments: JSON.stringify({ n }),
    }));
    const results = await executor.run(calls, new AbortController().signal);
    expect(results.map((r) => r.content)).toEqual(calls.map((_, n) => `probe ${n}`));
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(8);
  });

  it('batches live output and stops streaming it after 1 MB, before the call ends', async () => {
    const events: AgentEvent[] = [];
    const flood: Tool = {
      name: 'flood',
      description: 'writes 50 MB of live output in small chunks',
      schema: z.object({}),
      kind: 'execute',
      title: () => 'flood',
      async run(_args, ctx) {
        for (let i = 0; i < 50_000; i++) ctx.onOutput('y\n'.repeat(500));
        ctx.onOutput('tail');
        return ok('capped result');
      },
    };
    const executor = new ToolPipeline(
      new ToolRegistry([flood]),
      new Permissions('yolo', () => {}),
      (_call, hooks) => ({ ...toolContext('/tmp'), ...hooks }),
      (event) => events.push(event),
    );
    await executor.run([{ id: 'c1', name: 'flood', arguments: '{}' }], new AbortController().signal);
    const outputs = events.filter((e) => e.type === 'tool_output');
    const streamed = outputs.reduce((sum, e) => sum + e.chunk.length, 0);
    expect(streamed).toBe(1 << 20);
    expect(outputs.length).toBeLessThanOrEqual(64);
    expect(events.filter((e) => e.type === 'notice')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'tool_call_end', output: 'capped result' });
  });
});

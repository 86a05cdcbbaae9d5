import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentEvent } from '../src/core/events.js';
import { runSession } from '../src/orchestrator/session.js';
import { createProvider } from '../src/providers/factory.js';
import { HostSandbox } from '../src/sandbox/host.js';
import { ToolRegistry } from '../tools/registry.js';
import { builtinTools } from '../tools/index.js';
import { Workspace } from '../tools/workspace.js';
import { startScriptedProvider } from '../test/scripted-provider/server.js';
import type { WireProtocol } from '../test/scripted-provider/types.js';
import { median, percentile, type BenchSection, type BenchFigure } from './report.js';

const TURNS = 300;

/**
 * Harness overhead per turn: a whole session against a zero-latency scripted
 * provider, through the real SDK over loopback HTTP, where every turn reads a
 * small file. Per turn, the wall time between consecutive turn starts minus
 * the tool's own time is what the harness (loop, SDK, wire) costs.
 */
export async function run(): Promise<BenchSection> {
  const figures: BenchFigure[] = [];
  for (const protocol of ['openai', 'anthropic'] as WireProtocol[]) {
    const samples = await measure(protocol);
    const med = median(samples);
    figures.push(
      {
        name: `${protocol}: overhead per turn, median`,
        value: med,
        unit: 'ms',
        target: '< 2 ms',
        pass: med < 2,
      },
      { name: `${protocol}: overhead per turn, p95`, value: percentile(samples, 95), unit: 'ms' },
    );
  }
  return {
    title: `Harness overhead per turn (${TURNS} turns, zero-latency scripted provider, tool time excluded)`,
    figures,
    notes: ['Includes the SDK, SSE parsing and loopback HTTP; excludes tool execution.'],
  };
}

async function measure(protocol: WireProtocol): Promise<number[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-bench-'));
  writeFileSync(path.join(dir, 'a.txt'), 'hello\n'.repeat(20));
  const server = await startScriptedProvider((turn) =>
    turn.index + 1 >= TURNS
      ? { text: 'done' }
      : { toolCalls: [{ name: 'read', arguments: { path: 'a.txt', offset: (turn.index % 5) + 1 } }] },
  );
  const events: { event: AgentEvent; at: number }[] = [];
  try {
    const { provider } = await createProvider({
      provider: protocol,
      baseUrl: protocol === 'openai' ? server.openaiBaseUrl : server.anthropicBaseUrl,
      apiKey: 'bench',
      env: {},
    });
    await runSession({
      task: 'benchmark',
      workspace: new Workspace(dir),
      system: 'You are a benchmark.',
      provider,
      models: { main: 'bench-model' },
      maxTurns: TURNS,
      maxOutputTokens: 1024,
      sandbox: new HostSandbox(dir),
      tools: new ToolRegistry(builtinTools),
      emit: (event) => events.push({ event, at: performance.now() }),
      signal: new AbortController().signal,
    });
  } finally {
    await server.close();
  }
  const starts = events.filter((e) => e.event.type === 'turn_start').map((e) => e.at);
  const toolTimes = events.flatMap((e) => (e.event.type === 'tool_call_end' ? [e.event.duration_ms] : []));
  // Skip the first turns: they include JIT warm-up and lazy module loading.
  return starts
    .slice(1)
    .map((at, i) => at - starts[i]! - (toolTimes[i] ?? 0))
    .slice(10);
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { AgentEvent } from '../src/core/events.js';
import { emptyUsage } from '../src/core/usage.js';
import { Permissions } from '../src/orchestrator/permissions.js';
import { Session } from '../src/orchestrator/session.js';
import { createProvider } from '../src/providers/factory.js';
import type { Provider } from '../src/providers/provider.js';
import { HostSandbox } from '../src/sandbox/host.js';
import { ToolRegistry } from '../tools/registry.js';
import { builtinTools } from '../tools/index.js';
import { Workspace } from '../tools/workspace.js';
import type { WireProtocol } from '../test/scripted-provider/types.js';
import readLoop, { SESSION_TURNS } from './overhead-script.js';
import { median, percentile, type BenchFigure, type BenchSection } from './report.js';

const SESSIONS = 10;
const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Harness overhead per turn: whole sessions in which the "model" answers
 * instantly and every turn reads a small file. Per turn, the wall time between
 * consecutive turn starts minus the tool's own time is what the harness costs.
 * Measured twice: through the real SDKs against the scripted provider running
 * in its own process (as a real provider would), and with an in-process
 * provider, which isolates the loop itself from SDK and HTTP costs.
 */
export async function run(): Promise<BenchSection> {
  const figures: BenchFigure[] = [];
  const server = await startServerProcess();
  try {
    for (const protocol of ['openai', 'anthropic'] as WireProtocol[]) {
      const baseUrl = protocol === 'openai' ? `${server.url}/v1` : server.url;
      const { provider } = await createProvider({ provider: protocol, baseUrl, apiKey: 'bench', env: {} });
      const samples = await measure(provider, server.url);
      figures.push(...summarise(`${protocol} SDK over loopback HTTP`, samples));
    }
  } finally {
    server.process.kill();
  }
  figures.push(...summarise('loop alone (in-process provider)', await measure(instantProvider())));
  return {
    title: `Harness overhead per turn (${SESSIONS} sessions x ${SESSION_TURNS} turns, zero-latency scripted provider, tool time excluded)`,
    figures,
    notes: [
      "The SDK rows include request encoding, loopback HTTP and SSE parsing; the scripted provider's own handling time (it reports it per request) is subtracted, as a zero-latency provider would take none.",
    ],
  };
}

function summarise(label: string, samples: number[]): BenchFigure[] {
  const med = median(samples);
  return [
    { name: `${label}: median`, value: med, unit: 'ms', target: '< 2 ms', pass: med < 2 },
    { name: `${label}: p95`, value: percentile(samples, 95), unit: 'ms' },
  ];
}

async function measure(provider: Provider, serverUrl?: string): Promise<number[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-bench-'));
  writeFileSync(path.join(dir, 'a.txt'), 'hello\n'.repeat(20));
  // Requests the provider process answered before this run, to line its timings up with this run's turns.
  let request = serverUrl ? (await providerTimings(serverUrl)).length : 0;
  const turnGaps: { gap: number; request: number }[] = [];
  for (let session = 0; session < SESSIONS; session++) {
    const events: { event: AgentEvent; at: number }[] = [];
    const emit = (event: AgentEvent) => events.push({ event, at: performance.now() });
    await new Session({
      workspace: new Workspace(dir),
      system: 'You are a benchmark.',
      provider,
      models: { main: 'bench-model' },
      maxTurns: SESSION_TURNS,
      maxOutputTokens: 1024,
      sandbox: new HostSandbox(dir),
      tools: new ToolRegistry(builtinTools),
      permissions: new Permissions('yolo', emit),
      emit,
    }).handle({ text: 'benchmark', content: 'benchmark' }, new AbortController().signal, () => []);
    const starts = events.filter((e) => e.event.type === 'turn_start').map((e) => e.at);
    const toolTimes = events.flatMap((e) => (e.event.type === 'tool_call_end' ? [e.event.duration_ms] : []));
    for (let i = 1; i < starts.length; i++) {
      // The first session warms up the JIT and loads the SDK; it is not counted.
      if (session > 0) turnGaps.push({ gap: starts[i]! - starts[i - 1]! - toolTimes[i - 1]!, request });
      request++;
    }
    request++; // the session's last turn, answered without a tool call
  }
  // A zero-latency provider answers in no time: the scripted provider's own handling time is not the harness's.
  const providerMs = serverUrl ? await providerTimings(serverUrl) : [];
  return turnGaps.map(({ gap, request }) => gap - (providerMs[request] ?? 0));
}

async function providerTimings(serverUrl: string): Promise<number[]> {
  const response = await fetch(`${serverUrl}/__stats`);
  return ((await response.json()) as { handlingMs: number[] }).handlingMs;
}

/** The scripted provider in its own process, so its work does not share the harness's event loop. */
async function startServerProcess(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [path.join(here, '../test/scripted-provider/cli.js'), path.join(here, 'overhead-script.js')],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the scripted provider exited with code ${code}`)));
  });
  lines.close();
  return { url, process: child };
}

/** Answers like the scripted provider's read loop, without SDK or network. */
function instantProvider(): Provider {
  return {
    name: 'in-process',
    complete: async (request) => {
      const reply = await readLoop({
        index: 0,
        protocol: 'openai',
        model: request.model,
        system: request.system,
        messages: request.messages,
        tools: [],
        stream: true,
        url: '/v1/chat/completions',
        body: {},
        headers: {},
      });
      if ('fault' in reply) throw new Error('unexpected fault');
      return {
        text: reply.text ?? '',
        toolCalls: (reply.toolCalls ?? []).map((call, i) => ({
          id: `call_${request.messages.length}_${i}`,
          name: call.name,
          arguments: JSON.stringify(call.arguments),
        })),
        usage: emptyUsage(),
        stopReason: reply.toolCalls?.length ? 'tool_use' : 'end',
      };
    },
  };
}

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentEvent, ResultEvent } from '../../src/core/events.js';
import type { ScriptedProvider } from '../scripted-provider/server.js';
import type { WireProtocol } from '../scripted-provider/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const agentBin = path.join(repoRoot, 'bin', 'agent');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Parsed stream-json lines (empty for other formats). */
  events: AgentEvent[];
  result: ResultEvent | undefined;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** Called with the child once it is running (to send signals, for example). */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
}

/** Every run records its session: into a state directory of the test run's own, never the user's. */
let testStateHome: string | undefined;

/**
 * Runs the built CLI (`bin/agent`) as a user would, with a clean, explicit
 * environment (and a temporary XDG_STATE_HOME unless the options set one).
 */
export function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  testStateHome ??= mkdtempSync(path.join(tmpdir(), 'agent-state-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    XDG_STATE_HOME: testStateHome,
  };
  // The engine and the image the test set-up made sure of (test/support/global-setup.ts).
  for (const key of ['DOCKER_HOST', 'AGENT_SANDBOX_IMAGE']) if (process.env[key]) env[key] = process.env[key];
  for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [agentBin, ...args], { cwd: options.cwd, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.end(options.stdin ?? '');
    child.on('error', reject);
    options.onSpawn?.(child);
    child.on('close', (code) => {
      const events = parseEventLines(stdout);
      resolve({
        code,
        stdout,
        stderr,
        events,
        result: events.findLast((e) => e.type === 'result') as ResultEvent,
      });
    });
  });
}

export interface AgentRunOptions extends CliOptions {
  /** Omitted: the task comes from stdin. */
  task?: string;
  /** Extra flags, e.g. `['--max-turns', '3']`. */
  flags?: string[];
  sandbox?: string[];
  format?: 'stream-json' | 'json' | 'text';
}

/** Runs `agent -p` against the scripted provider over `protocol`, with a dummy key for it. */
export function runAgent(
  server: ScriptedProvider,
  protocol: WireProtocol,
  options: AgentRunOptions,
): Promise<CliRun> {
  const { task, flags = [], sandbox = ['--sandbox', 'none', '--yolo'], format = 'stream-json' } = options;
  const baseUrl = protocol === 'openai' ? server.openaiBaseUrl : server.anthropicBaseUrl;
  const keyVar = protocol === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY';
  const args = [
    '-p',
    '--output-format',
    format,
    '--provider',
    protocol,
    '--base-url',
    baseUrl,
    ...flags,
    ...sandbox,
  ];
  return runCli(task === undefined ? args : [...args, task], {
    ...options,
    env: { [keyVar]: 'test-key', ...options.env },
  });
}

function parseEventLines(stdout: string): AgentEvent[] {
  const events: AgentEvent[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      events.push(JSON.parse(line) as AgentEvent);
    } catch {
      // not an event line (text or json output formats)
    }
  }
  return events;
}

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../src/core/events.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';
import { agentBin } from './support/cli.js';
import { makeGitRepo } from './support/git-repo.js';
import { isRunning, waitFor } from './support/processes.js';

/** A user's PATH without this project's node_modules/.bin: its `node` is the system's. */
const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';
const systemNode = spawnSync('node', ['--version'], { env: { PATH: SYSTEM_PATH }, encoding: 'utf8' });
const systemMajor = Number(/^v(\d+)/.exec(systemNode.stdout ?? '')?.[1] ?? 0);

const provider = scriptedProviderPerTest();

const env = () => ({ PATH: SYSTEM_PATH, HOME: process.env.HOME ?? '/tmp', OPENAI_API_KEY: 'test-key' });

/** A model that starts one long command, recording the pid of the process that runs it (the agent's). */
async function longCommand(): Promise<{ repo: string; args: string[] }> {
  const server = await provider.start((turn) =>
    turn.index === 0
      ? {
          toolCalls: [
            {
              name: 'terminal',
              arguments: {
                // Ignores SIGTERM, so an interrupted run takes a moment to wind down (until SIGKILL).
                command:
                  "trap '' TERM; echo $PPID > agent.pid; while true; do echo tick >> ticks; sleep 0.1; done",
                timeout_ms: 120_000,
              },
            },
          ],
        }
      : { text: 'stopped' },
  );
  const repo = makeGitRepo({ 'a.txt': 'x\n' });
  const args = [
    '-p',
    '--output-format',
    'stream-json',
    '--provider',
    'openai',
    '--base-url',
    server.openaiBaseUrl,
  ];
  return { repo, args: [...args, '--sandbox', 'none', '--yolo', 'loop'] };
}

interface Exit {
  code: number | null;
  events: AgentEvent[];
}

function exited(child: ReturnType<typeof spawn>): Promise<Exit> {
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  return new Promise((resolve) =>
    child.on('close', (code) =>
      resolve({
        code,
        events: stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as AgentEvent),
      }),
    ),
  );
}

const agentPid = (repo: string): number => Number(readFileSync(path.join(repo, 'agent.pid'), 'utf8'));
const ticking = (repo: string) => () => existsSync(path.join(repo, 'ticks'));

describe('bin/agent run as a program', () => {
  it('is the agent itself (same pid): exit codes and signals need no forwarding', async () => {
    const run = (args: string[]) => spawnSync(agentBin, args, { env: env(), encoding: 'utf8', input: '' });
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const usage = run(['-p']);
    expect(usage.status).toBe(42);
    expect(usage.stderr).toMatch(/no task/);

    const { repo, args } = await longCommand();
    const child = spawn(agentBin, args, { cwd: repo, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    const done = exited(child);
    expect(await waitFor(ticking(repo))).toBe(true);
    expect(agentPid(repo)).toBe(child.pid);
    child.kill('SIGINT');
    const { code, events } = await done;
    expect(code).toBe(130);
    expect(events.at(-1)).toMatchObject({ type: 'result', status: 'interrupted' });
  });
});

describe.skipIf(systemNode.status !== 0 || systemMajor >= 22)(
  '`node bin/agent` with an older system Node.js',
  () => {
    const start = (repo: string, args: string[], detached = false) =>
      spawn('node', [agentBin, ...args], {
        cwd: repo,
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached,
      });

    it('hands over to the checkout’s own Node 22 and behaves the same, exit codes included', () => {
      const version = spawnSync('node', [agentBin, '--version'], { env: env(), encoding: 'utf8' });
      expect(version.status).toBe(0);
      expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
      const usage = spawnSync('node', [agentBin, '-p'], { env: env(), encoding: 'utf8', input: '' });
      expect(usage.status).toBe(42);
      expect(usage.stderr).toMatch(/no task/);
    });

    it('a signal sent to the wrapper alone interrupts the run', async () => {
      const { repo, args } = await longCommand();
      const wrapper = start(repo, args);
      const done = exited(wrapper);
      expect(await waitFor(ticking(repo))).toBe(true);
      expect(agentPid(repo)).not.toBe(wrapper.pid);
      wrapper.kill('SIGINT');
      const { code, events } = await done;
      expect(code).toBe(130);
      expect(events.at(-1)).toMatchObject({ type: 'result', status: 'interrupted' });
    });

    it('a Ctrl-C that reaches both wrapper and agent counts once: the run winds down and reports', async () => {
      const { repo, args } = await longCommand();
      const wrapper = start(repo, args, true);
      const done = exited(wrapper);
      expect(await waitFor(ticking(repo))).toBe(true);
      // What a terminal does: the signal goes to every process of the foreground group.
      process.kill(-wrapper.pid!, 'SIGINT');
      const { code, events } = await done;
      expect(code).toBe(130);
      expect(events.at(-1)).toMatchObject({ type: 'result', status: 'interrupted' });
    });

    it('the agent stops when the wrapper is killed', async () => {
      const { repo, args } = await longCommand();
      const wrapper = start(repo, args);
      expect(await waitFor(ticking(repo))).toBe(true);
      const agent = agentPid(repo);
      wrapper.kill('SIGKILL');
      expect(await waitFor(() => !isRunning(agent))).toBe(true);
      // Its command went with it: the file stops growing.
      const size = statSync(path.join(repo, 'ticks')).size;
      await new Promise((r) => setTimeout(r, 500));
      expect(statSync(path.join(repo, 'ticks')).size).toBe(size);
    });
  },
);

import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packageRoot } from '../src/core/package-root.js';
import { connectDocker } from '../src/sandbox/docker-engine.js';
import { startScriptedProvider } from '../test/scripted-provider/server.js';
import { median, type BenchFigure, type BenchSection } from './report.js';

const RUNS = 5;
const bin = path.join(packageRoot, 'bin', 'agent');
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What a user waits for and what an idle session costs: start to a usable
 * prompt in a real terminal, start to the first model request with and without
 * the Docker sandbox, and CPU while nobody types.
 */
export async function run(): Promise<BenchSection> {
  const repo = mkdtempSync(path.join(tmpdir(), 'agent-bench-interactive-'));
  writeFileSync(path.join(repo, 'a.txt'), 'hello\n');
  execFileSync('git', ['init', '-q'], { cwd: repo });
  const server = await startScriptedProvider(() => ({ text: 'ok' }));
  const env = { ...process.env, OPENAI_API_KEY: 'k', AGENT_CACHE_DIR: path.join(repo, '..', 'bench-cache') };
  const provider = ['--provider', 'openai', '--base-url', server.openaiBaseUrl];
  try {
    const figures: BenchFigure[] = [];
    const docker = await connectDocker().then(
      () => true,
      () => false,
    );
    // As a user starts it: the default Docker sandbox where there is one (it starts with the first answer).
    const sandbox = docker ? [] : ['--sandbox', 'none', '--yolo'];
    const prompt: number[] = [];
    const usable: number[] = [];
    const firstEcho: number[] = [];
    const settledEcho: number[] = [];
    const harness: number[] = [];
    let idleCpu = 0;
    for (let i = 0; i < RUNS; i++) {
      const session = await openInTmux(repo, [...provider, ...sandbox], env);
      prompt.push(session.promptMs);
      // A key typed the moment the prompt appears, and one typed once start-up work has settled:
      // if the first echoes later than the second, the prompt was drawn but not yet usable.
      const first = await echoMs(session.name, 'a');
      await sleep(1500);
      const settled = await echoMs(session.name, 'b');
      firstEcho.push(first);
      settledEcho.push(settled);
      usable.push(session.promptMs + Math.max(0, first - settled));
      const bare = await openInTmux(repo, [], env, `printf 'message, /help'; sleep 5`);
      harness.push(bare.promptMs);
      tmux('kill-session', '-t', bare.name);
      if (i === RUNS - 1) idleCpu = await cpuWhileIdle(session.pid, 10_000);
      tmux('kill-session', '-t', session.name);
    }
    const startMs = median(usable) - median(harness);
    figures.push({
      name: 'start to a usable prompt, median',
      value: startMs,
      unit: 'ms',
      target: '< 300 ms',
      pass: startMs < 300,
    });
    figures.push({
      name: 'start to the first frame, median',
      value: median(prompt) - median(harness),
      unit: 'ms',
    });
    figures.push({ name: 'echo of a key typed as the prompt appears', value: median(firstEcho), unit: 'ms' });
    figures.push({ name: 'echo of a key typed 1.5 s later', value: median(settledEcho), unit: 'ms' });
    figures.push({ name: 'tmux, shell and polling alone (subtracted)', value: median(harness), unit: 'ms' });
    figures.push({
      name: 'CPU while idle at the prompt (10 s)',
      value: idleCpu,
      unit: '% of a core',
      target: '< 1%',
      pass: idleCpu < 1,
    });
    const firstRequest = async (sandbox: string[]) => {
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++)
        samples.push(await startToFirstRequest(server, repo, [...provider, ...sandbox], env));
      return median(samples);
    };
    const none = await firstRequest(['--sandbox', 'none', '--yolo']);
    figures.push({ name: 'start to first model request, -p --sandbox none', value: none, unit: 'ms' });
    if (docker) {
      const withDocker = await firstRequest(['--sandbox', 'docker']);
      figures.push({
        name: 'start to first model request, -p --sandbox docker',
        value: withDocker,
        unit: 'ms',
      });
      figures.push({
        name: 'docker / none',
        value: withDocker / none,
        unit: 'x',
        target: '<= 1.1',
        pass: withDocker / none <= 1.1,
      });
    }
    return {
      title: 'Interactive start and idle cost; first request with and without Docker',
      figures,
      notes: [
        'The prompt is detected by polling a real terminal (tmux); what tmux and the polling take to show a plain printf is measured the same way and subtracted.',
        'Usable: the first frame, plus however much later than a settled prompt it echoes a key typed the moment it appears (work still blocking after the first frame counts).',
      ],
    };
  } finally {
    await server.close();
  }
}

/**
 * Starts `agent args` in a new tmux session and waits for its prompt. With
 * `program` given instead, starts that shell command: what tmux, the shell and
 * the screen polling cost on their own, to be subtracted.
 */
async function openInTmux(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  program?: string,
): Promise<{ name: string; pid: number; promptMs: number }> {
  const name = `agent-bench-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const vars = ['OPENAI_API_KEY', 'AGENT_CACHE_DIR', 'PATH', 'HOME'].map(
    (key) => `${key}='${env[key] ?? ''}'`,
  );
  const started = performance.now();
  tmux(
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    '100',
    '-y',
    '30',
    program ??
      `cd '${cwd}' && exec env ${vars.join(' ')} '${process.execPath}' '${bin}' ${args.map((a) => `'${a}'`).join(' ')}`,
  );
  for (;;) {
    if (/message, \/help/.test(tmux('capture-pane', '-p', '-t', name))) break;
    if (performance.now() - started > 30_000) throw new Error('the prompt did not appear within 30 s');
    await sleep(5);
  }
  const promptMs = performance.now() - started;
  const pid = Number(tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim());
  return { name, pid, promptMs };
}

/** Types `key` into the prompt and waits for it to show there: the time from key to screen. */
async function echoMs(name: string, key: string): Promise<number> {
  const started = performance.now();
  tmux('send-keys', '-t', name, '-l', key);
  const echoed = new RegExp(`› \\S*${key}`);
  for (;;) {
    if (echoed.test(tmux('capture-pane', '-p', '-t', name))) return performance.now() - started;
    if (performance.now() - started > 10_000) throw new Error(`the key ${key} was not echoed within 10 s`);
    await sleep(2);
  }
}

/** CPU time the process used over `ms`, as a percentage of one core. */
async function cpuWhileIdle(pid: number, ms: number): Promise<number> {
  const ticks = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
  };
  await sleep(1000); // let start-up work (index build, sandbox) settle
  const before = ticks();
  await sleep(ms);
  const used = ticks() - before;
  const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return (100 * used) / hz / (ms / 1000);
}

async function startToFirstRequest(
  server: Awaited<ReturnType<typeof startScriptedProvider>>,
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const before = server.requests.length;
  const started = performance.now();
  const child = spawn(process.execPath, [bin, '-p', ...args, 'hi'], { cwd, env, stdio: 'ignore' });
  for (;;) {
    if (server.requests.length > before) break;
    await sleep(2);
  }
  const elapsed = performance.now() - started;
  await new Promise((resolve) => child.once('close', resolve));
  return elapsed;
}

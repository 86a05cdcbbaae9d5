import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerSandbox } from '../src/sandbox/docker.js';
import { connectDocker } from '../src/sandbox/docker-engine.js';
import { inspectImage } from '../src/sandbox/image.js';
import { sandboxImage } from '../src/sandbox/sandbox-config.js';
import { median, percentile, timeRuns, type BenchFigure, type BenchSection } from './report.js';

const TITLE = 'Docker sandbox';
const WARM_RUNS = 30;
const COLD_RUNS = 5;
const COMMANDS = ['true', 'node -e 0'];

/** Warm exec latency in the session container against a cold `docker run --rm`, and session start to ready. */
export async function run(): Promise<BenchSection> {
  const image = sandboxImage();
  try {
    const docker = await connectDocker();
    if (!(await inspectImage(docker, image)))
      return skipped(`image ${image} not present (agent sandbox build)`);
  } catch (error) {
    return skipped((error as Error).message);
  }
  const workspace = mkdtempSync(join(tmpdir(), 'agent-bench-sandbox-'));
  const sandbox = new DockerSandbox({ workspace, image, sessionId: 'bench' });
  try {
    const startedAt = performance.now();
    await sandbox.start();
    const figures: BenchFigure[] = [
      { name: 'session start to sandbox ready', value: performance.now() - startedAt, unit: 'ms' },
    ];
    for (const command of COMMANDS) {
      const warm = await timeRuns(WARM_RUNS, () => sandbox.exec(command, { timeoutMs: 30_000 }));
      const cold = await timeRuns(COLD_RUNS, () => dockerRun(image, command));
      const ratio = median(cold) / median(warm);
      figures.push(
        {
          name: `warm exec \`${command}\` median`,
          value: median(warm),
          unit: 'ms',
          ...(command === 'true' && { target: '<= 50 ms', pass: median(warm) <= 50 }),
        },
        { name: `warm exec \`${command}\` p95`, value: percentile(warm, 95), unit: 'ms' },
        { name: `cold docker run --rm \`${command}\` median`, value: median(cold), unit: 'ms' },
        { name: `cold/warm \`${command}\``, value: ratio, unit: 'x', target: '>= 5x', pass: ratio >= 5 },
      );
    }
    return {
      title: TITLE,
      figures,
      notes: [`${WARM_RUNS} warm and ${COLD_RUNS} cold runs per command, image ${image}`],
    };
  } finally {
    await sandbox.dispose();
    rmSync(workspace, { recursive: true, force: true });
  }
}

function dockerRun(image: string, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['run', '--rm', '--network', 'none', image, 'bash', '-c', command], {
      stdio: 'ignore',
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker run exited ${code}`))));
  });
}

function skipped(reason: string): BenchSection {
  return { title: TITLE, figures: [], notes: [`skipped: ${reason}`] };
}

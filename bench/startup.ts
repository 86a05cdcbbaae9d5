import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { packageRoot } from '../src/core/package-root.js';
import { median, percentile, timeRuns, type BenchSection } from './report.js';

const RUNS = 20;

/** Time to answer `agent --version`: the floor of every invocation's start-up. */
export async function run(): Promise<BenchSection> {
  const bin = path.join(packageRoot, 'bin', 'agent');
  const bare = await timeRuns(RUNS, spawnOk(['-e', '0']));
  const agent = await timeRuns(RUNS, spawnOk([bin, '--version']));
  return {
    title: 'CLI start-up (agent --version)',
    figures: [
      {
        name: 'agent --version, median',
        value: median(agent),
        unit: 'ms',
        target: '< 150 ms',
        pass: median(agent) < 150,
      },
      { name: 'agent --version, p95', value: percentile(agent, 95), unit: 'ms' },
      { name: 'bare `node -e 0`, median (floor)', value: median(bare), unit: 'ms' },
      { name: 'agent over bare node', value: median(agent) / median(bare), unit: 'x' },
    ],
    notes: ['Reference: Codex ~55 ms, Claude Code ~600 ms, Gemini CLI ~900 ms.'],
  };
}

function spawnOk(args: string[]): () => void {
  return () => {
    if (spawnSync(process.execPath, args).status !== 0) throw new Error('start-up benchmark command failed');
  };
}

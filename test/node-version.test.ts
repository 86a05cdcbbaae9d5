import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { agentBin } from './support/cli.js';

/** The node a user's PATH finds first without this project's node_modules/.bin (the system's). */
const systemNode = spawnSync('node', ['--version'], {
  env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
  encoding: 'utf8',
});
const systemMajor = Number(/^v(\d+)/.exec(systemNode.stdout ?? '')?.[1] ?? 0);

describe.skipIf(systemNode.status !== 0 || systemMajor >= 22)('started by an older system Node.js', () => {
  it('hands over to the checkout’s own Node 22 and behaves the same, exit codes included', () => {
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
    const version = spawnSync('node', [agentBin, '--version'], { env, encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const usage = spawnSync('node', [agentBin, '-p'], { env, encoding: 'utf8', input: '' });
    expect(usage.status).toBe(42);
    expect(usage.stderr).toMatch(/no task/);
  });
});

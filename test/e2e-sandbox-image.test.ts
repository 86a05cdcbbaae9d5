import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../src/core/events.js';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import { runAgent, type CliRun } from './support/cli.js';
import { docker, needsDocker } from './support/docker.js';
import { fixerScript } from './support/fixer-script.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';

/**
 * Programs shadowing real ones on PATH: `docker build` fails as it does without an image registry
 * (so the offline fallback runs on every machine), other docker commands reach the real engine.
 */
function shims(programs: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-shims-'));
  for (const [name, body] of Object.entries(programs)) {
    writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(dir, name), 0o755);
  }
  return `${dir}:${process.env.PATH}`;
}
const realDocker = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
const noRegistry = `[ "$1" = build ] && { echo 'Get "https://registry-1.docker.io/v2/": no such host' >&2; exit 1; }; exec ${realDocker} "$@"`;

const images: string[] = [];
const freshImage = (): string => {
  const image = `agent-sandbox:test-${process.pid}-${images.length}-${Date.now()}`;
  images.push(image);
  return image;
};
afterAll(() => {
  if (images.length) execFileSync(realDocker, ['rmi', '-f', ...images], { stdio: 'ignore' });
});

async function fix(image: string, env: Record<string, string>): Promise<CliRun> {
  const server: ScriptedProvider = await startScriptedProvider(fixerScript);
  try {
    return await runAgent(server, 'openai', {
      cwd: makeGitRepo(failingAddProject),
      task: 'fix failing tests',
      sandbox: ['--sandbox', 'docker', '--sandbox-image', image],
      env,
    });
  } finally {
    await server.close();
  }
}

const notices = (run: CliRun): string[] =>
  run.events.flatMap((e: AgentEvent) => (e.type === 'notice' ? [e.message] : []));
const setupOutput = (run: CliRun): string =>
  run.events.map((e: AgentEvent) => (e.type === 'setup_output' ? e.chunk : '')).join('');

describe.skipIf(!docker)('the sandbox image, built the first time it is needed', needsDocker, () => {
  it('is built once by the first of two concurrent sessions, offline when the Dockerfile build fails, with progress in the event stream; both sessions then fix the task', async () => {
    const image = freshImage();
    const env = {
      PATH: shims({ docker: noRegistry }),
      XDG_STATE_HOME: mkdtempSync(path.join(tmpdir(), 'agent-state-')),
    };
    const runs = await Promise.all([fix(image, env), fix(image, env)]);

    for (const run of runs) {
      expect(run.result).toMatchObject({ status: 'success' });
      expect(run.code).toBe(0);
    }
    const [builder, waiter] = notices(runs[0]!).some((n) => n.includes('building it once'))
      ? runs
      : runs.toReversed();
    expect(notices(builder!)).toEqual([
      `The sandbox image ${image} is not present: building it once, which takes a minute or two.`,
      `Building the sandbox image ${image} from sandbox/Dockerfile…`,
      'The Dockerfile build failed (is an image registry reachable?); building offline from Debian packages…',
    ]);
    expect(setupOutput(builder!)).toContain('registry-1.docker.io');
    expect(setupOutput(builder!)).toMatch(/debootstrap bookworm from [^]*built agent-sandbox:test-/);
    expect(notices(waiter!)).toEqual([
      expect.stringMatching(
        new RegExp(`^Waiting for another agent \\(pid \\d+\\) that is building the sandbox image ${image}`),
      ),
    ]);
    expect(setupOutput(waiter!)).toBe('');
  }, 600_000);

  it('says what each build needs and how to go on without it when neither build works', async () => {
    const image = freshImage();
    const run = await fix(image, {
      PATH: shims({
        docker: noRegistry,
        debootstrap: 'echo "E: Failed getting release file (no Debian mirror reachable)"; exit 1',
      }),
    });

    expect(run.code).toBe(1);
    expect(run.result?.status).not.toBe('success');
    const error = run.result?.error ?? '';
    expect(error).toContain(`Could not build the sandbox image ${image}.`);
    expect(error).toContain('From sandbox/Dockerfile: Get "https://registry-1.docker.io/v2/": no such host');
    expect(error).toContain('Offline from Debian packages: E: Failed getting release file');
    expect(error).toMatch(/agent sandbox build.*--sandbox none --yolo/s);
    expect(execFileSync(realDocker, ['images', '-q', image], { encoding: 'utf8' })).toBe('');
  });

  it('is not built in place of an image the user brought', async () => {
    const image = `agent-brought-image:test-${process.pid}-${Date.now()}`;
    images.push(image);
    const run = await fix(image, { PATH: shims({ docker: noRegistry }) });

    expect(run.code).toBe(1);
    expect(run.result?.error).toContain(`Sandbox image ${image} is not present. Pull or build it`);
    expect(run.events.some((e) => e.type === 'notice' || e.type === 'setup_output')).toBe(false);
  });
});

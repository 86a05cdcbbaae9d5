import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSandbox, type DockerSandboxOptions } from '../src/sandbox/docker.js';
import { LABEL } from '../src/sandbox/sandbox-config.js';
import { docker, needsDocker } from './support/docker.js';
import { callTool, toolContext } from './support/tool-context.js';
import { terminalTool } from '../tools/terminal.js';

const workspaces: string[] = [];
function makeWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-sandbox-test-'));
  workspaces.push(dir);
  return dir;
}

function makeSandbox(options: Partial<DockerSandboxOptions> = {}): DockerSandbox {
  return new DockerSandbox({ workspace: makeWorkspace(), sessionId: 'test', ...options });
}

async function containerExists(id: string): Promise<boolean> {
  const found = await docker!.listContainers({ all: true, filters: { id: [id] } });
  return found.length > 0;
}

const run = (sandbox: DockerSandbox, command: string, timeoutMs = 20_000) =>
  sandbox.exec(command, { timeoutMs });

afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!docker)('DockerSandbox isolation', needsDocker, () => {
  let sandbox: DockerSandbox;
  beforeAll(async () => {
    sandbox = makeSandbox();
    await sandbox.start();
  });
  afterAll(() => sandbox.dispose());

  it('has no network interface but loopback and reports the network as blocked', async () => {
    const result = await run(sandbox, 'ls /sys/class/net');
    expect(result.output.trim()).toBe('lo');
    expect(sandbox.networkBlocked).toBe(true);
  });

  it('cannot read host files outside the workspace, nor the Docker socket, nor host environment', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'agent-sandbox-secret-'));
    workspaces.push(outside);
    writeFileSync(join(outside, 'secret.txt'), 'host secret');
    process.env.AGENT_TEST_SECRET = 'leaked';
    const result = await run(
      sandbox,
      `cat ${join(outside, 'secret.txt')}; test -e /var/run/docker.sock && echo socket; echo "secret=$AGENT_TEST_SECRET"`,
    );
    expect(result.output).not.toContain('host secret');
    expect(result.output).not.toContain('socket\n');
    expect(result.output).toContain('secret=\n');
  });

  it('runs in the workspace and creates files owned by the host user', async () => {
    const result = await run(sandbox, 'pwd && echo hello > created.txt');
    expect(result.output.trim()).toBe('/workspace');
    const file = join(await workspaceOf(sandbox), 'created.txt');
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
    expect(statSync(file).uid).toBe(process.getuid!());
  });

  it('streams output while the command runs and reports the exit code', async () => {
    const chunks: string[] = [];
    const result = await sandbox.exec('echo first; sleep 0.3; echo second >&2; exit 7', {
      timeoutMs: 20_000,
      onOutput: (chunk) => chunks.push(chunk),
    });
    expect(chunks).toEqual(['first\n', 'second\n']);
    expect(result).toMatchObject({ exitCode: 7, output: 'first\nsecond\n', timedOut: false });
  });

  it('kills the whole process tree at timeout_ms, including processes that left the group', async () => {
    const result = await run(sandbox, 'setsid sleep 300 & sleep 301 & sleep 302', 500);
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
    expect(result.durationMs).toBeLessThan(10_000);
    const left = await run(sandbox, 'ps -eo args');
    expect(left.output).not.toMatch(/sleep 30[012]/);
  });

  it('kills a command when interrupted', async () => {
    const controller = new AbortController();
    const pending = sandbox.exec('sleep 300', { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    expect(await pending).toMatchObject({ killedBy: 'interrupt', exitCode: null, timedOut: false });
  });

  it('leaves nothing running after a command, not even a process that shed its environment', async () => {
    const launched = await run(
      sandbox,
      "env -i /bin/bash -c 'nohup sleep 300 >/dev/null 2>&1 &'; echo launched",
    );
    expect(launched.output).toContain('launched');
    expect((await run(sandbox, 'ps -eo args')).output).not.toMatch(/sleep 300/);
    expect((await run(sandbox, 'echo still ok')).output).toContain('still ok');
  });

  it('gives a single command the network when escalated, then seals it again', async () => {
    const escalated = await sandbox.exec('ls /sys/class/net', { timeoutMs: 20_000, network: true });
    expect(escalated.output).toMatch(/eth/);
    expect((await run(sandbox, 'ls /sys/class/net')).output.trim()).toBe('lo');
  });

  it('terminal: a command that fails for lack of network is re-run with network only when the user allows it', async () => {
    const command = `ls /sys/class/net | tr '\\n' ' '; python3 -c "import socket; socket.getaddrinfo('deb.debian.org', 80)"`;
    const deniedContext = toolContext(makeWorkspace(), sandbox, false);
    const denied = await callTool(terminalTool, { command }, deniedContext);
    expect(denied.output).toMatch(/^lo /);
    expect(denied.output).toMatch(/network access is blocked by policy/);

    const allowedContext = toolContext(makeWorkspace(), sandbox, true);
    const allowed = await callTool(terminalTool, { command }, allowedContext);
    expect(allowed.output).toMatch(/eth\d/);
    expect(allowed.output).toMatch(/the user allowed network access for this command/);
    expect([...deniedContext.asked, ...allowedContext.asked]).toMatchObject([
      { action: 'network', detail: command },
      { action: 'network', detail: command },
    ]);
    // Granted once, for that command only.
    expect((await run(sandbox, 'ls /sys/class/net')).output.trim()).toBe('lo');
  });
});

describe.skipIf(!docker)('DockerSandbox setup and user', needsDocker, () => {
  it('runs the setup command with the network on, then seals the network', async () => {
    const sandbox = makeSandbox({ setupCommand: 'ls /sys/class/net > setup-net.txt' });
    try {
      await sandbox.start();
      expect(readFileSync(join(await workspaceOf(sandbox), 'setup-net.txt'), 'utf8')).toMatch(/eth/);
      expect((await run(sandbox, 'ls /sys/class/net')).output.trim()).toBe('lo');
    } finally {
      await sandbox.dispose();
    }
  });

  it('runs commands as the configured uid:gid', async () => {
    const sandbox = makeSandbox({ user: '4321:4321' });
    try {
      const workspace = await startedWorkspace(sandbox);
      chmodSync(workspace, 0o777);
      await run(sandbox, 'touch mine');
      expect(statSync(join(workspace, 'mine')).uid).toBe(4321);
    } finally {
      await sandbox.dispose();
    }
  });
});

describe.skipIf(!docker)('DockerSandbox limits', needsDocker, () => {
  let sandbox: DockerSandbox;
  beforeAll(async () => {
    sandbox = makeSandbox({ limits: { memoryBytes: 256 * 1024 ** 2, pids: 64 } });
    await sandbox.start();
  });
  afterAll(() => sandbox.dispose());

  it('holds the process limit and says so', async () => {
    const result = await run(
      sandbox,
      `python3 -c "
import os, time
for n in range(200):
    if os.fork() == 0:
        time.sleep(30)
        os._exit(0)
"`,
    );
    expect(result.killedBy).toBe('pids');
    expect(result.output).toMatch(/Resource temporarily unavailable/);
  });

  it('holds the memory limit and says so', async () => {
    const result = await run(sandbox, `python3 -c "data = b'x' * (1024 ** 3); print(len(data))"`);
    expect(result.killedBy).toBe('memory');
    expect(result.exitCode).toBeNull();
    expect((await run(sandbox, 'echo still usable')).output).toBe('still usable\n');
  });
});

describe.skipIf(!docker)('DockerSandbox cleanup', needsDocker, () => {
  it.each([0, 150, 300, 500, 800])(
    'disposed %i ms into its start, leaves nothing behind that keeps the process alive',
    async (delay) => {
      const script = new URL('./fixtures/docker-sandbox-child.mjs', import.meta.url);
      const child = spawn(process.execPath, [script.pathname, makeWorkspace(), String(delay)], {
        stdio: 'inherit',
      });
      // Before the fix, a command server attached while the container was being removed held a socket open forever.
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      const left = await docker!.listContainers({
        all: true,
        filters: { label: [`${LABEL.session}=signal-test`] },
      });
      expect(left).toEqual([]);
    },
  );

  it('removes its container on dispose, and dispose is idempotent', async () => {
    const sandbox = makeSandbox();
    await sandbox.start();
    const id = await sandbox.containerId();
    expect(await containerExists(id)).toBe(true);
    await Promise.all([sandbox.dispose(), sandbox.dispose()]);
    expect(await containerExists(id)).toBe(false);
  });

  it('removes its container when the session process gets Ctrl-C', async () => {
    const child = startChild();
    const id = await child.containerId;
    child.process.kill('SIGINT');
    await child.exited;
    expect(await containerExists(id)).toBe(false);
  });

  it('reaps the container of a crashed session at the next start', async () => {
    const child = startChild();
    const id = await child.containerId;
    child.process.kill('SIGKILL');
    await child.exited;
    expect(await containerExists(id)).toBe(true);
    const next = makeSandbox();
    try {
      await next.start();
      expect(await containerExists(id)).toBe(false);
    } finally {
      await next.dispose();
    }
  });
});

async function startedWorkspace(sandbox: DockerSandbox): Promise<string> {
  await sandbox.start();
  return workspaceOf(sandbox);
}

async function workspaceOf(sandbox: DockerSandbox): Promise<string> {
  const info = await docker!.getContainer(await sandbox.containerId()).inspect();
  return info.Config.Labels[LABEL.workspace]!;
}

function startChild() {
  const script = new URL('./fixtures/docker-sandbox-child.mjs', import.meta.url);
  const child = spawn(process.execPath, [script.pathname, makeWorkspace()], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const containerId = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { process: child, containerId, exited };
}

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandCgroups } from '../src/sandbox/command-cgroups.js';
import { HostSandbox } from '../src/sandbox/host.js';
import { isRunning, waitFor } from './support/processes.js';

/** Whether this machine lets a process create cgroups under its own (root, or a delegated systemd user session). */
const cgroups = await CommandCgroups.open();
await cgroups?.dispose();

function sandbox() {
  const root = mkdtempSync(path.join(tmpdir(), 'agent-host-'));
  return { root, host: new HostSandbox(root) };
}

/** Live processes whose environment carries the command marker AGENT_EXEC_ID=id. */
function marked(id: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`AGENT_EXEC_ID=${id}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('HostSandbox', () => {
  it('runs bash in the workspace root with stdout and stderr combined and streamed', async () => {
    const { root, host } = sandbox();
    const chunks: string[] = [];
    const result = await host.exec('pwd; echo err >&2; exit 4', {
      timeoutMs: 10_000,
      onOutput: (c) => chunks.push(c),
    });
    expect(result).toMatchObject({ exitCode: 4, output: `${root}\nerr\n`, timedOut: false });
    expect(chunks.join('')).toBe(result.output);
    expect(host.networkBlocked).toBe(false);
  });

  it('closes stdin so commands that read it do not hang', async () => {
    const { host } = sandbox();
    expect(await host.exec('cat; echo done', { timeoutMs: 30_000 })).toMatchObject({
      exitCode: 0,
      output: 'done\n',
    });
  });

  it('kills the whole process tree on timeout, grandchildren included', async () => {
    const { root, host } = sandbox();
    const result = await host.exec('sleep 100 & echo $! > bg.pid; sleep 100; wait', { timeoutMs: 500 });
    expect(result).toMatchObject({ exitCode: null, timedOut: true });
    expect(await waitFor(() => !isRunning(Number(readFileSync(path.join(root, 'bg.pid'), 'utf8'))))).toBe(
      true,
    );
  });

  it('kills the tree when interrupted and says so', async () => {
    const { root, host } = sandbox();
    const controller = new AbortController();
    const running = host.exec('sleep 100 & echo $! > bg.pid; echo started; wait', {
      timeoutMs: 60_000,
      signal: controller.signal,
      onOutput: () => controller.abort(),
    });
    expect(await running).toMatchObject({
      exitCode: null,
      timedOut: false,
      killedBy: 'interrupt',
      output: 'started\n',
    });
    expect(await waitFor(() => !isRunning(Number(readFileSync(path.join(root, 'bg.pid'), 'utf8'))))).toBe(
      true,
    );
  });

  it('returns when the command ends, stopping background processes it left running', async () => {
    const { host } = sandbox();
    const result = await host.exec('sleep 100 & echo $!', { timeoutMs: 60_000 });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(await waitFor(() => !isRunning(Number(result.output.trim())))).toBe(true);
  });

  it('bounds the memory a runaway command can take, keeping the beginning and the end and counting the rest', async () => {
    const result = await sandbox().host.exec('echo START; yes 0123456789 | head -n 3000000; echo END', {
      timeoutMs: 60_000,
    });
    expect(result.exitCode).toBe(0);
    expect(result.output.startsWith('START\n')).toBe(true);
    expect(result.output.endsWith('END\n')).toBe(true);
    expect(result.output.length).toBeLessThan(10 << 20);
    expect(result.dropped!.lines).toBeGreaterThan(1_000_000);
  });

  it("does not hand the harness's model API keys to the model's commands", async () => {
    process.env.SOMEPROVIDER_API_KEY = 'model-key-value';
    process.env.AGENT_TEST_PLAIN = 'plain-value';
    try {
      const result = await sandbox().host.exec('env', { timeoutMs: 10_000 });
      expect(result.output).not.toContain('model-key-value');
      expect(result.output).toContain('AGENT_TEST_PLAIN=plain-value');
    } finally {
      delete process.env.SOMEPROVIDER_API_KEY;
      delete process.env.AGENT_TEST_PLAIN;
    }
  });

  describe.skipIf(process.platform !== 'linux')('processes that leave the process group (setsid)', () => {
    const escapee = "setsid sh -c 'echo $$ > escapee.pid; sleep 30; touch survived' >/dev/null 2>&1 &";

    it('are killed when the command times out', async () => {
      const { root, host } = sandbox();
      const result = await host.exec(`echo $AGENT_EXEC_ID; ${escapee} sleep 100`, { timeoutMs: 500 });
      expect(result).toMatchObject({ timedOut: true });
      const id = result.output.trim();
      expect(id).toMatch(/^[\w-]{36}$/);
      expect(marked(id)).toEqual([]);
      expect(isRunning(Number(readFileSync(path.join(root, 'escapee.pid'), 'utf8')))).toBe(false);
    });

    it('are killed when the command exits and leaves them running', async () => {
      const { root, host } = sandbox();
      const result = await host.exec(`echo $AGENT_EXEC_ID; ${escapee} sleep 0.2`, { timeoutMs: 30_000 });
      expect(result).toMatchObject({ exitCode: 0, timedOut: false });
      expect(marked(result.output.trim())).toEqual([]);
      expect(isRunning(Number(readFileSync(path.join(root, 'escapee.pid'), 'utf8')))).toBe(false);
      expect(existsSync(path.join(root, 'survived'))).toBe(false);
    });

    it('are killed when the sandbox is disposed while the command runs', async () => {
      const { root, host } = sandbox();
      const running = host.exec(`${escapee} sleep 0.3; echo started; sleep 100`, {
        timeoutMs: 60_000,
        onOutput: () => void host.dispose(),
      });
      await running;
      expect(isRunning(Number(readFileSync(path.join(root, 'escapee.pid'), 'utf8')))).toBe(false);
    });
    it.skipIf(!cgroups)(
      'are killed also when they drop the marker too (env -i), where cgroups are available',
      async () => {
        const { root, host } = sandbox();
        const hidden =
          "env -i setsid sh -c 'echo $$ > escapee.pid; sleep 30; touch survived' >/dev/null 2>&1 &";
        const result = await host.exec(`${hidden} sleep 0.2`, { timeoutMs: 30_000 });
        expect(result).toMatchObject({ exitCode: 0, timedOut: false });
        expect(isRunning(Number(readFileSync(path.join(root, 'escapee.pid'), 'utf8')))).toBe(false);
        await host.dispose();
      },
    );
    it.skipIf(!cgroups)('of an agent that was killed are ended when the next one starts', async () => {
      const { root } = sandbox();
      const hidden = "env -i setsid sh -c 'echo $$ > escapee.pid; exec sleep 60' >/dev/null 2>&1 &";
      const code =
        'const { HostSandbox } = await import(process.argv[1]);' +
        `void new HostSandbox(${JSON.stringify(root)}).exec(${JSON.stringify(`${hidden} sleep 60`)}, { timeoutMs: 60_000 });`;
      const built = new URL('../dist/src/sandbox/host.js', import.meta.url).href;
      const agent = spawn(process.execPath, ['--input-type=module', '-e', code, built], { stdio: 'ignore' });
      const pidFile = path.join(root, 'escapee.pid');
      expect(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'))).toBe(
        true,
      );
      await new Promise((resolve) => agent.kill('SIGKILL') && agent.on('exit', resolve));
      const escapee = Number(readFileSync(pidFile, 'utf8'));
      expect(isRunning(escapee)).toBe(true);
      await (await CommandCgroups.open())?.dispose();
      expect(isRunning(escapee)).toBe(false);
    });
  });
});

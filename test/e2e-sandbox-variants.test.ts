import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../src/core/events.js';
import { scriptSequence, toolCall } from './scripted-provider/script.js';
import { runAgent, runCli } from './support/cli.js';
import { docker, needsDocker } from './support/docker.js';
import { makeGitRepo } from './support/git-repo.js';
import { isRunning, waitFor } from './support/processes.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';

// Variants of the issue-7 attacks that the first round of tests did not try: each is played by the
// scripted provider as a hostile model (and committed content as a hostile repository) against the
// real CLI, with the default Docker sandbox unless said otherwise.

const provider = scriptedProviderPerTest();

const outputsOf = (events: AgentEvent[]) =>
  events.flatMap((e) => (e.type === 'tool_call_end' ? [{ name: e.name, output: e.output }] : []));

describe.skipIf(!docker)('a hostile model in the Docker sandbox (variants)', needsDocker, () => {
  it('cannot keep a process alive past its command by forking and exiting faster than the clean-up scans', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    // 40 chains of processes that each fork a child and exit at once, so no pid lives long enough to be
    // killed by a scan of /proc; each generation touches a file (it could as well flip a symlink to race
    // what the harness does next on the host, as the daemon of the first attack did).
    const hopper =
      'for i in $(seq 40); do perl -e \'while (1) { exit if fork; open(my $f, ">", "/workspace/alive") }\' ' +
      '</dev/null >/dev/null 2>&1 & done; sleep 0.5; echo started';
    await provider.start(
      scriptSequence(
        toolCall('terminal', { command: hopper }),
        toolCall('terminal', { command: 'rm -f alive; sleep 1; ls alive; ps -e | wc -l' }),
        { text: 'done' },
      ),
    );
    const r = await runAgent(provider.current(), 'openai', {
      cwd: repo,
      task: 'go',
      sandbox: ['--sandbox', 'docker', '--yolo'],
    });
    expect(r.result, r.stderr).toMatchObject({ status: 'success' });
    const [started, check] = outputsOf(r.events).map((o) => o.output);
    expect(started).toMatch(/^started/);
    expect(check).toMatch(/ls: cannot access 'alive': No such file or directory/);
    expect(existsSync(path.join(repo, 'alive'))).toBe(false);
  });
});

describe.skipIf(!docker)('FIFOs a command planted where git opens files', needsDocker, () => {
  it('hold neither the checkpoints, --git-commit nor undo: the damage of the turn is undone', async () => {
    const repo = makeGitRepo({ 'a.ts': 'original\n', 'sub/b.ts': 'b\n' });
    const env = { XDG_STATE_HOME: mkdtempSync(path.join(tmpdir(), 'agent-state-')) };
    await provider.start(
      scriptSequence(
        toolCall('terminal', {
          command: 'echo ruined > a.ts && mkfifo .gitignore .gitattributes sub/.gitignore && echo planted',
        }),
        { text: 'done' },
      ),
    );
    const r = await runAgent(provider.current(), 'openai', {
      cwd: repo,
      task: 'go',
      env,
      flags: ['--git-commit'],
      sandbox: ['--sandbox', 'docker', '--yolo'],
    });
    expect(r.result, r.stderr).toMatchObject({ status: 'success' });
    expect(outputsOf(r.events)[0]!.output).toMatch(/^planted/);
    expect(r.events.filter((e) => e.type === 'notice')).toEqual([]);
    expect(r.events.filter((e) => e.type === 'checkpoint')).not.toEqual([]);
    const undo = await runCli(['undo'], { cwd: repo, env });
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toMatch(/restored: a\.ts/);
    expect(readFileSync(path.join(repo, 'a.ts'), 'utf8')).toBe('original\n');
  });
});

describe('a session whose terminal closes (SIGHUP) or that gets Ctrl-\\ (SIGQUIT) in the middle of a command', () => {
  const interrupt = async (signal: NodeJS.Signals, sandbox: string) => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    await provider.start(
      scriptSequence(toolCall('terminal', { command: 'echo $$ > cmd.pid; sleep 60' }), {
        text: 'unreachable',
      }),
    );
    const r = await runAgent(provider.current(), 'openai', {
      cwd: repo,
      task: 'wait',
      sandbox: ['--sandbox', sandbox, '--yolo'],
      onSpawn: (child) => {
        // Once the command runs (its pid file is there), the signal.
        const poll = setInterval(() => {
          if (!existsSync(path.join(repo, 'cmd.pid'))) return;
          clearInterval(poll);
          child.kill(signal);
        }, 50);
        child.on('exit', () => clearInterval(poll));
      },
    });
    return { r, repo };
  };

  it.skipIf(!docker).each(['SIGHUP', 'SIGQUIT'] as const)(
    '%s: the call is answered and the container removed',
    { tags: ['docker'] },
    async (signal) => {
      const { r } = await interrupt(signal, 'docker');
      const sessionId = (r.events[0] as { session_id: string }).session_id;
      expect(r.code, r.stderr).toBe(130);
      expect(r.result).toMatchObject({ status: 'interrupted' });
      const left = await docker!.listContainers({
        all: true,
        filters: { label: [`dev.agent.session=${sessionId}`] },
      });
      expect(left).toEqual([]);
    },
  );

  it.skipIf(process.platform !== 'linux').each(['SIGHUP', 'SIGQUIT'] as const)(
    '%s with --sandbox none: the command on the host is ended with the session',
    async (signal) => {
      const { r, repo } = await interrupt(signal, 'none');
      expect(r.code, r.stderr).toBe(130);
      const pid = Number(readFileSync(path.join(repo, 'cmd.pid'), 'utf8'));
      expect(await waitFor(() => !isRunning(pid))).toBe(true);
    },
  );
});

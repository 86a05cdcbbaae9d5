import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type Docker from 'dockerode';
import type { ExecOptions, ExecResult, Sandbox } from './sandbox.js';
import { connectDocker } from './docker-engine.js';
import { pathExists } from '../fs/paths.js';
import type { CommandOutcome, CommandRunner, RunnerSetup } from './command-runner.js';
import { DockerExecRunner } from './docker-exec-runner.js';
import { ExecServer } from './exec-server.js';
import { containerSpec } from './container-spec.js';
import { protectedPaths } from './protected-paths.js';
import { provideImage } from './image-provision.js';
import { readLimitCounters, type LimitCounters } from './limit-counters.js';
import { NetworkSealError, NetworkSwitch, SANDBOX_NETWORK } from './network-switch.js';
import { reapOrphanContainers, removeContainer } from './reaper.js';
import { DEFAULT_LIMITS, sandboxImage, WORKSPACE_MOUNT, type SandboxLimits } from './sandbox-config.js';
import { debugLog } from '../core/debug-log.js';

export interface DockerSandboxOptions {
  /** The repository root; bind-mounted read-write at /workspace, its `.git` read-only. */
  workspace: string;
  /** Labels the container; defaults to a random id. */
  sessionId?: string;
  /** Defaults to AGENT_SANDBOX_IMAGE, then agent-sandbox:latest. */
  image?: string;
  limits?: Partial<SandboxLimits>;
  /** Run once with the network on before any other command, for example `npm ci`. */
  setupCommand?: string;
  setupTimeoutMs?: number;
  /** Live output of the sandbox's preparation: the image build on first use, then the setup command. */
  onSetupOutput?: (chunk: string) => void;
  /** Steps of the preparation worth telling the user, such as building the image. */
  onNotice?: (message: string) => void;
  /** Keep the network on for the whole run (--allow-network). */
  allowNetwork?: boolean;
  /** "uid:gid" commands run as; defaults to the host user's, so created files are theirs. */
  user?: string;
  /** The harness's own directories (cache, state, configuration): hidden from the sandbox when inside the workspace. */
  harnessDirs?: string[];
}

const DEFAULT_SETUP_TIMEOUT_MS = 10 * 60_000;
const RESTART_ATTEMPTS = 5;
const RESTART_RETRY_MS = 200;

export class SandboxSetupError extends Error {
  override name = 'SandboxSetupError';
}

/**
 * One container per session: created by start() (meant to overlap the first
 * model call), reused by every exec, removed by dispose(). Network is off
 * except during the setup command, escalated commands, or with allowNetwork.
 */
export class DockerSandbox implements Sandbox {
  readonly kind = 'docker';
  readonly networkBlocked: boolean;
  private readonly options: DockerSandboxOptions;
  private created?: Promise<{ docker: Docker; container: Docker.Container }>;
  private ready?: Promise<void>;
  private disposed?: Promise<void>;
  private network?: NetworkSwitch;
  private counters: LimitCounters = { oomKills: 0, pidsRefusals: 0 };
  private execCount = 0;
  private runner?: Promise<CommandRunner>;
  private readonly identity: { uid: number; gid: number };
  /** The container's own processes (see process-tree.ts), found by its first runner, given to the next. */
  private resident?: number[];
  /** Set while the workspace has no `.git` of its own: one made by a command would not be protected. */
  private gitWatch?: 'watching' | 'reported';

  constructor(options: DockerSandboxOptions) {
    this.options = options;
    this.networkBlocked = !options.allowNetwork;
    this.identity = parseUser(options.user ?? hostUser());
  }

  /** The session's container id once created (for diagnostics and tests). */
  async containerId(): Promise<string> {
    const { container } = await this.created!;
    return container.id;
  }

  start(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('sandbox already disposed'));
    this.created ??= this.create();
    this.ready ??= this.created.then(({ docker, container }) => this.prepare(docker, container));
    return this.ready;
  }

  async exec(command: string, options: ExecOptions): Promise<ExecResult> {
    await this.start();
    const { container } = await this.created!;
    return this.execIn(container, command, options);
  }

  dispose(): Promise<void> {
    this.disposed ??= this.remove();
    return this.disposed;
  }

  private async execIn(
    container: Docker.Container,
    command: string,
    options: ExecOptions,
  ): Promise<ExecResult> {
    const startedAt = performance.now();
    const runner = await this.failClosed(this.commandRunner(container));
    const execId = `${process.pid}-${++this.execCount}`;
    let stoppedBy: 'timeout' | 'interrupt' | undefined;
    const stop = (reason: 'timeout' | 'interrupt') => {
      if (stoppedBy) return;
      stoppedBy = reason;
      runner.kill(execId);
    };
    const deadline = setTimeout(() => stop('timeout'), options.timeoutMs);
    const onAbort = () => stop('interrupt');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort);
    // Stopped before it was sent (an interrupt while the runner or the network came up): never start it.
    const run = (): Promise<CommandOutcome> =>
      stoppedBy
        ? Promise.resolve({ exitCode: null, output: '' })
        : runner.run({ execId, command, cwd: WORKSPACE_MOUNT, onOutput: options.onOutput });
    let outcome: CommandOutcome;
    try {
      outcome = await this.failClosed(
        options.network && this.network ? this.network.withNetwork(run) : run(),
      );
    } finally {
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
    }
    const durationMs = performance.now() - startedAt;
    // Read after every command, also a successful or stopped one: a command can exit 0 although some of its
    // processes hit a limit, and the baseline must move on so the next command is not blamed for this one.
    // Unreadable only when the container stopped under the command: then nothing new is known.
    const counters =
      outcome.counters ??
      (await readLimitCounters(container).catch((error: unknown) => {
        debugLog.swallowed('sandbox: reading limit counters', error);
        return this.counters;
      }));
    const limit = this.limitHit(counters);
    const killedBy = stoppedBy === 'interrupt' ? 'interrupt' : limit;
    return {
      exitCode: stoppedBy || (limit === 'memory' && outcome.exitCode === 137) ? null : outcome.exitCode,
      output: outcome.output,
      ...(outcome.dropped && { dropped: outcome.dropped }),
      timedOut: stoppedBy === 'timeout',
      ...(killedBy && { killedBy }),
      ...(DISK_FULL.test(outcome.output) && { diskFull: true }),
      ...((await this.gitRepositoryCreated()) && { createdGitRepository: true }),
      durationMs,
    };
  }

  /**
   * A `.git` that did not exist when the container was made has no read-only mount: its hooks and
   * config would run at the user's next git command there. It cannot be prevented without leaving
   * a placeholder in the user's directory, so it is reported, once, to the user and the model.
   */
  private async gitRepositoryCreated(): Promise<boolean> {
    if (this.gitWatch !== 'watching' || !(await pathExists(path.join(this.options.workspace, '.git'))))
      return false;
    this.gitWatch = 'reported';
    this.options.onNotice?.(
      'warning: a command in the sandbox created .git in the workspace; it is not protected like an existing ' +
        'repository, so check its hooks and config (or delete it) before you run git here',
    );
    return true;
  }

  /** Fail closed: a sandbox that cannot be sealed again must not run anything more. */
  private async failClosed<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (error instanceof NetworkSealError) await this.dispose();
      throw error;
    }
  }

  /**
   * The command server, restarted if it died (a command or the OOM killer may kill it); per-command
   * `docker exec` without Node. A new runner kills whatever the last one left running.
   */
  private async commandRunner(container: Docker.Container): Promise<CommandRunner> {
    const runner = await this.runner?.catch(() => undefined);
    if (runner?.running) return runner;
    this.runner = this.startRunner(container, runner !== undefined);
    return this.runner;
  }

  private async startRunner(container: Docker.Container, restart: boolean): Promise<CommandRunner> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (restart) await this.ensureRunning(container);
        const setup: RunnerSetup = { ...this.identity, resident: this.resident };
        const runner =
          (await ExecServer.start(container, setup)) ?? (await DockerExecRunner.start(container, setup));
        this.resident = runner.resident;
        return runner;
      } catch (error) {
        // The engine may still call a container running for a moment after its init died: look again.
        if (!restart || attempt >= RESTART_ATTEMPTS || error instanceof NetworkSealError) throw error;
        await new Promise((resolve) => setTimeout(resolve, RESTART_RETRY_MS));
      }
    }
  }

  /**
   * A command running as root can stop the container (kill its keep-alive): start it again, sealed,
   * so the session goes on. Its processes are new, so the resident set is found again.
   */
  private async ensureRunning(container: Docker.Container): Promise<void> {
    const info = await container.inspect();
    if (info.State.Running) return;
    if (this.disposed) throw new Error('sandbox disposed');
    await container.start();
    this.resident = undefined;
    // A container detached before it stopped starts detached again; should an engine differ, fail closed.
    const { NetworkSettings } = await container.inspect();
    if (this.networkBlocked && Object.keys(NetworkSettings.Networks ?? {}).length > 0)
      throw new NetworkSealError('the restarted sandbox came back attached to a network');
  }

  private async create(): Promise<{ docker: Docker; container: Docker.Container }> {
    const docker = await connectDocker();
    const image = sandboxImage(this.options.image);
    await Promise.all([
      provideImage(docker, image, {
        notice: (message) => this.options.onNotice?.(message),
        output: (chunk) => this.options.onSetupOutput?.(chunk),
      }),
      reapOrphanContainers(docker),
    ]);
    const container = await docker.createContainer(
      containerSpec({
        image,
        workspaceRoot: this.options.workspace,
        sessionId: this.options.sessionId ?? randomUUID(),
        limits: { ...DEFAULT_LIMITS, ...this.options.limits },
        protectedPaths: await protectedPaths(this.options.workspace, this.options.harnessDirs ?? []),
      }),
    );
    if (!(await pathExists(path.join(this.options.workspace, '.git')))) this.gitWatch = 'watching';
    return { docker, container };
  }

  private async prepare(docker: Docker, container: Docker.Container): Promise<void> {
    if (this.disposed) throw new Error('sandbox disposed while starting');
    if (!this.options.allowNetwork) {
      await docker.getNetwork(SANDBOX_NETWORK).disconnect({ Container: container.id });
      this.network = new NetworkSwitch(docker, container.id);
    }
    await container.start();
    if (this.disposed) throw new Error('sandbox disposed while starting');
    await this.commandRunner(container);
    if (this.options.setupCommand) await this.runSetup(container, this.options.setupCommand);
  }

  private async runSetup(container: Docker.Container, setupCommand: string): Promise<void> {
    const setupOptions: ExecOptions = {
      timeoutMs: this.options.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS,
      onOutput: this.options.onSetupOutput,
      network: true,
    };
    const result = await this.execIn(container, setupCommand, setupOptions);
    if (result.exitCode !== 0) {
      const tail = result.output.slice(-2000);
      const why = result.timedOut ? 'timed out' : `failed with exit code ${result.exitCode}`;
      throw new SandboxSetupError(`Sandbox setup command \`${setupCommand}\` ${why}:\n${tail}`);
    }
  }

  /** Which limit, if any, the container hit since the last command (the counters only grow). */
  private limitHit(counters: LimitCounters): ExecResult['killedBy'] {
    const before = this.counters;
    this.counters = counters;
    if (counters.oomKills > before.oomKills) return 'memory';
    if (counters.pidsRefusals > before.pidsRefusals) return 'pids';
    return undefined;
  }

  private async remove(): Promise<void> {
    const created = await this.created?.catch(() => undefined);
    // A command server still being attached would keep its connection open forever if the container
    // vanished under it (Docker answers 500 and the hijacked socket is never released): let it finish first.
    await this.runner?.catch(() => undefined);
    if (created) await removeContainer(created.container);
  }
}

/** What a command prints when a filesystem it writes (the size-limited /tmp, say) is full. */
const DISK_FULL = /No space left on device|ENOSPC/;

function hostUser(): string {
  return `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
}

function parseUser(user: string): { uid: number; gid: number } {
  const match = /^(\d+):(\d+)$/.exec(user);
  if (!match) throw new Error(`sandbox user must be numeric "uid:gid", got "${user}"`);
  return { uid: Number(match[1]), gid: Number(match[2]) };
}

export function createDockerSandbox(options: DockerSandboxOptions): DockerSandbox {
  return new DockerSandbox(options);
}

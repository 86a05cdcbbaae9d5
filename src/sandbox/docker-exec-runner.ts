import type Docker from 'dockerode';
import type { CommandOutcome, CommandRun, CommandRunner, RunnerSetup } from './command-runner.js';
import { dockerExec } from './docker-exec.js';
import { commandArgv, killStraysArgv, parseResidents, residentsArgv } from './process-tree.js';
import { debugLog } from '../core/debug-log.js';

// After killing a command, how long to wait for its output to close before giving up on it.
const KILL_GRACE_MS = 1000;

/** One `docker exec` per command: the fallback for images without Node, where the command server cannot run. */
export class DockerExecRunner implements CommandRunner {
  readonly resident: number[];
  private readonly container: Docker.Container;
  private readonly user: string;
  private readonly commands = new Map<string, { detach: AbortController; killed?: Promise<unknown> }>();
  private alive = true;

  private constructor(container: Docker.Container, user: string, resident: number[]) {
    this.container = container;
    this.user = user;
    this.resident = resident;
  }

  static async start(container: Docker.Container, setup: RunnerSetup): Promise<DockerExecRunner> {
    // Listing the processes also proves the container takes commands: a container that is going
    // away can still look running for a moment, and the caller retries on this error.
    const { output } = await dockerExec(container, residentsArgv(), { user: '0:0' });
    const resident = setup.resident ?? parseResidents(output);
    if (!parseResidents(output) || !resident)
      throw new Error(`cannot list the sandbox's processes: ${output.slice(0, 200)}`);
    return new DockerExecRunner(container, `${setup.uid}:${setup.gid}`, resident);
  }

  get running(): boolean {
    return this.alive;
  }

  async run(request: CommandRun): Promise<CommandOutcome> {
    const entry: { detach: AbortController; killed?: Promise<unknown> } = { detach: new AbortController() };
    this.commands.set(request.execId, entry);
    try {
      const outcome = await dockerExec(this.container, commandArgv(request.command, this.resident), {
        user: this.user,
        workingDir: request.cwd,
        onOutput: request.onOutput,
        detach: entry.detach.signal,
      });
      // Its output can close before everything is dead: return once the kill is done.
      await entry.killed;
      // Killed by a signal, perhaps with its container (a command may kill the keep-alive): the next
      // command gets a new runner, which checks the container first.
      if (outcome.exitCode === null || outcome.exitCode > 128) this.alive = false;
      return outcome;
    } catch (error) {
      this.alive = false;
      throw error;
    } finally {
      this.commands.delete(request.execId);
    }
  }

  kill(execId: string): void {
    const entry = this.commands.get(execId);
    if (!entry || entry.killed) return;
    setTimeout(() => entry.detach.abort(), KILL_GRACE_MS).unref();
    entry.killed = dockerExec(this.container, killStraysArgv(this.resident), { user: '0:0' }).catch(
      (error: unknown) => {
        debugLog.swallowed('sandbox: killing a command', error);
        entry.detach.abort();
      },
    );
  }
}

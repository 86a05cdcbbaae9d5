import type Docker from 'dockerode';
import type { CommandOutcome, CommandRun, CommandRunner } from './command-runner.js';
import { dockerExec } from './docker-exec.js';
import { commandArgv, EXEC_MARKER, killTreeArgv } from './process-tree.js';

// After killing a command's tree, how long to wait for its output to close before giving up on it.
const KILL_GRACE_MS = 1000;

/** One `docker exec` per command: the fallback for images without Node, where the command server cannot run. */
export class DockerExecRunner implements CommandRunner {
  private readonly container: Docker.Container;
  private readonly detachers = new Map<string, AbortController>();

  constructor(container: Docker.Container) {
    this.container = container;
  }

  async run(request: CommandRun): Promise<CommandOutcome> {
    const detach = new AbortController();
    this.detachers.set(request.execId, detach);
    try {
      return await dockerExec(this.container, commandArgv(request.command, request.execId), {
        env: [`${EXEC_MARKER}=${request.execId}`],
        workingDir: request.cwd,
        onOutput: request.onOutput,
        detach: detach.signal,
      });
    } finally {
      this.detachers.delete(request.execId);
    }
  }

  kill(execId: string): void {
    const detach = this.detachers.get(execId);
    if (!detach) return;
    setTimeout(() => detach.abort(), KILL_GRACE_MS).unref();
    void dockerExec(this.container, killTreeArgv(execId)).catch(() => detach.abort());
  }
}

import type { LimitCounters } from './limit-counters.js';

export interface CommandRun {
  execId: string;
  command: string;
  cwd: string;
  onOutput?: (chunk: string) => void;
}

export interface CommandOutcome {
  /** null when a signal ended the command. */
  exitCode: number | null;
  output: string;
  dropped?: { chars: number; lines: number };
  /** The container's limit counters right after the command, when the runner knows them cheaply. */
  counters?: LimitCounters;
}

/** What a runner needs to start: who commands run as, and the container's resident pids once known. */
export interface RunnerSetup {
  uid: number;
  gid: number;
  /** Undefined in a container no runner has seen yet: the runner finds them (see process-tree.ts). */
  resident?: number[];
}

/** How DockerSandbox gets a command run inside its container, and everything it started killed. */
export interface CommandRunner {
  /** The container's resident pids, for the runners that follow this one. */
  readonly resident: number[];
  /** False once the runner cannot run more commands (its server died, its container may have stopped). */
  readonly running: boolean;
  run(request: CommandRun): Promise<CommandOutcome>;
  /** Kills the command and everything it started; its run() then settles promptly. */
  kill(execId: string): void;
}

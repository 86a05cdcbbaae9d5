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

/** How DockerSandbox gets a command run inside its container, and its process tree killed. */
export interface CommandRunner {
  run(request: CommandRun): Promise<CommandOutcome>;
  /** Kills the command's whole process tree; its run() then settles promptly. */
  kill(execId: string): void;
}

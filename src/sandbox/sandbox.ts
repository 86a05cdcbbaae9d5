export interface ExecOptions {
  /** Kill the command's whole process tree after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with output as it arrives (stdout and stderr interleaved). */
  onOutput?: (chunk: string) => void;
  /** Run this one command with network access (escalation the user granted). */
  network?: boolean;
}

export interface ExecResult {
  /** null when the process was killed. */
  exitCode: number | null;
  /** Combined stdout+stderr: all of it, or its first and last megabytes (see `dropped`); the terminal tool caps it further for the model. */
  output: string;
  /** Output discarded from the middle to bound memory (runaway commands). */
  dropped?: { chars: number; lines: number };
  timedOut: boolean;
  /**
   * Set when the user interrupted the command, or when a resource limit of the
   * sandbox was hit during it: then a process was killed or could not start,
   * even if the command itself exited 0.
   */
  killedBy?: 'memory' | 'pids' | 'interrupt';
  /** The output says a filesystem was full ("No space left on device"), the sandbox's size-limited /tmp for one. */
  diskFull?: boolean;
  /** The command made a `.git` the workspace did not have: unprotected, so it is reported. */
  createdGitRepository?: boolean;
  durationMs: number;
}

/** Where the model's commands run. The workspace is the working directory. */
export interface Sandbox {
  readonly kind: 'docker' | 'host';
  /** Whether commands can reach the network (used to explain failures to the model). */
  readonly networkBlocked: boolean;
  /** Prepares the environment. Safe to call concurrently with the first model request. */
  start(): Promise<void>;
  exec(command: string, options: ExecOptions): Promise<ExecResult>;
  /** Releases everything; idempotent. */
  dispose(): Promise<void>;
}

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecOptions, ExecResult, Sandbox } from './sandbox.js';
import { BoundedOutput } from './bounded-output.js';
import { EXEC_MARKER, killMarked, markedProcesses } from './marked-processes.js';
import { withoutKeys } from '../core/model-keys.js';
import { CommandCgroups, type CommandCgroup } from './command-cgroups.js';

/** Time a command's processes get to exit after SIGTERM before they are SIGKILLed. */
const KILL_GRACE_MS = 1_000;
const POLL_MS = 50;

/**
 * Starts a command inside its cgroup: the shell joins it before it runs
 * anything, so no process of the command is ever outside. Where joining
 * fails, the command runs anyway and is ended by group and marker.
 */
const JOIN_THEN_RUN = '{ echo $$ > "$1"; } 2>/dev/null; exec bash -c "$2"';

/** Environment that keeps tools from waiting for a human (pagers, credential prompts). */
const NON_INTERACTIVE_ENV = { PAGER: 'cat', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' };

/**
 * Runs commands directly on this machine, in the workspace. No isolation: it
 * is the explicit opt-out from the Docker sandbox. Each command gets its own
 * process group and a marker in its environment, so that a timeout, an
 * interrupt, the command finishing or the session ending takes every process
 * it started down with it, also ones that left the group (setsid). Where the
 * machine allows, each command also runs in a cgroup of its own, which ends
 * even processes that left both (see CommandCgroups).
 */
export class HostSandbox implements Sandbox {
  readonly kind = 'host';
  readonly networkBlocked: boolean = false;

  private readonly root: string;
  private readonly running = new Set<CommandTree>();
  private cgroups: Promise<CommandCgroups | undefined> | undefined;

  constructor(root: string) {
    this.root = root;
  }

  async start(): Promise<void> {}

  async dispose(): Promise<void> {
    await Promise.all([...this.running].map((tree) => tree.stop()));
    await (await this.cgroups)?.dispose();
  }

  async exec(command: string, options: ExecOptions): Promise<ExecResult> {
    const started = performance.now();
    const execId = randomUUID();
    this.cgroups ??= CommandCgroups.open();
    const cgroup = await (await this.cgroups)?.create(execId);
    const [program, args] = cgroup
      ? ['sh', ['-c', JOIN_THEN_RUN, 'sh', cgroup.procs, command]]
      : ['bash', ['-c', command]];
    const child = spawn(program, args, {
      cwd: this.root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...withoutKeys(process.env), ...NON_INTERACTIVE_ENV, [EXEC_MARKER]: execId },
    });
    const output = new BoundedOutput();
    const collect = (stream: Readable) => {
      const decoder = new StringDecoder('utf8');
      const append = (text: string) => {
        if (text === '') return;
        output.append(text);
        options.onOutput?.(text);
      };
      stream.on('data', (chunk: Buffer) => append(decoder.write(chunk)));
      stream.on('end', () => append(decoder.end()));
    };
    collect(child.stdout);
    collect(child.stderr);

    let timedOut = false;
    let interrupted = false;
    const tree = new CommandTree(child.pid, execId, cgroup);
    this.running.add(tree);
    const timer = setTimeout(() => {
      timedOut = true;
      void tree.stop();
    }, options.timeoutMs);
    const onAbort = () => {
      interrupted = true;
      void tree.stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      this.running.delete(tree);
    };

    return new Promise((resolve, reject) => {
      child.on('error', (error) => {
        settle();
        reject(error);
      });
      // Background processes left behind would hold the pipes open (and leak): end them with the command.
      child.on('exit', () => {
        void tree.stop();
        // A process that shed the marker (env -i) may still hold a pipe; stop waiting for it.
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, 2 * KILL_GRACE_MS).unref();
      });
      child.on('close', (code) => {
        void tree.stop().then(() => {
          settle();
          resolve({
            exitCode: timedOut || interrupted ? null : code,
            output: output.text,
            ...(output.dropped && { dropped: output.dropped }),
            timedOut,
            ...(interrupted && !timedOut ? { killedBy: 'interrupt' as const } : {}),
            durationMs: performance.now() - started,
          });
        });
      });
    });
  }
}

/**
 * The processes of one command: its process group (led by the detached bash),
 * everything carrying its marker, and everything in its cgroup. Stopping gives
 * them SIGTERM and a grace period to exit, then SIGKILLs all still alive.
 */
class CommandTree {
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly pid: number | undefined,
    private readonly execId: string,
    private readonly cgroup: CommandCgroup | undefined,
  ) {}

  stop(): Promise<void> {
    return (this.stopping ??= this.terminate());
  }

  private async terminate(): Promise<void> {
    this.signalGroup('SIGTERM');
    await this.cgroup?.signal('SIGTERM');
    // Zombies no longer carry an environment, so this waits for live processes only.
    for (let waited = 0; waited < KILL_GRACE_MS; waited += POLL_MS) {
      if ((await markedProcesses(this.execId)).length === 0 && !(await this.cgroup?.populated())) break;
      await sleep(POLL_MS);
    }
    this.signalGroup('SIGKILL');
    await Promise.all([this.cgroup?.kill(), killMarked(this.execId)]);
  }

  /** false when the group no longer exists. */
  private signalGroup(signal: NodeJS.Signals): boolean {
    if (this.pid === undefined) return false;
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

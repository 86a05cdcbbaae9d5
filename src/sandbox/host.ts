import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import type { ExecOptions, ExecResult, Sandbox } from './sandbox.js';
import { BoundedOutput } from './bounded-output.js';

/** Time a process group gets to exit after SIGTERM before it is SIGKILLed. */
const KILL_GRACE_MS = 1_000;

/** The model's commands never see the keys the harness uses to talk to model providers. */
const MODEL_KEY = /(^|_)API_KEY$|^ANTHROPIC_AUTH_TOKEN$/;

function withoutModelKeys(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !MODEL_KEY.test(name)));
}

/** Environment that keeps tools from waiting for a human (pagers, credential prompts). */
const NON_INTERACTIVE_ENV = { PAGER: 'cat', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' };

/**
 * Runs commands directly on this machine, in the workspace. No isolation: it
 * is the explicit opt-out from the Docker sandbox. Each command gets its own
 * process group so that a timeout, an interrupt, or the command finishing
 * takes every process it started down with it.
 */
export class HostSandbox implements Sandbox {
  readonly kind = 'host';
  readonly networkBlocked: boolean = false;

  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  async start(): Promise<void> {}

  async dispose(): Promise<void> {}

  exec(command: string, options: ExecOptions): Promise<ExecResult> {
    const started = performance.now();
    const child = spawn('bash', ['-c', command], {
      cwd: this.root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...withoutModelKeys(process.env), ...NON_INTERACTIVE_ENV },
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
    const group = new ProcessGroup(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      group.terminate();
    }, options.timeoutMs);
    const onAbort = () => {
      interrupted = true;
      group.terminate();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    return new Promise((resolve, reject) => {
      child.on('error', (error) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        reject(error);
      });
      // Background processes left behind would hold the pipes open (and leak): end them with the command.
      child.on('exit', () => {
        group.terminate();
        // A process that left the group (setsid) may still hold a pipe; stop waiting for it.
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, 2 * KILL_GRACE_MS).unref();
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
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
  }
}

/** The process group led by a detached child: SIGTERM first, SIGKILL if anything is still alive shortly after. */
class ProcessGroup {
  private killTimer: NodeJS.Timeout | undefined;

  private readonly pid: number | undefined;

  constructor(pid: number | undefined) {
    this.pid = pid;
  }

  terminate(): void {
    if (this.killTimer || !this.signal('SIGTERM')) return;
    this.killTimer = setTimeout(() => this.signal('SIGKILL'), KILL_GRACE_MS);
    this.killTimer.unref();
  }

  /** false when the group no longer exists. */
  private signal(name: NodeJS.Signals): boolean {
    if (this.pid === undefined) return false;
    try {
      process.kill(-this.pid, name);
      return true;
    } catch {
      return false;
    }
  }
}

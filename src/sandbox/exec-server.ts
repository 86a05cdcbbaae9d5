import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { CommandOutcome, CommandRun, CommandRunner, RunnerSetup } from './command-runner.js';
import { EXEC_SERVER_SCRIPT } from './exec-server-script.js';
import { BoundedOutput } from './bounded-output.js';
import { parseFrame } from './server-frames.js';

const READY_TIMEOUT_MS = 10_000;

interface Pending {
  request: CommandRun;
  output: BoundedOutput;
  resolve: (outcome: CommandOutcome) => void;
  reject: (error: Error) => void;
}

/** The server said something it never says: its output can no longer be trusted. */
class ServerProtocolError extends Error {
  override name = 'ServerProtocolError';
}

/** Runs commands through the in-container command server (see exec-server-script.ts). */
export class ExecServer implements CommandRunner {
  readonly resident: number[];
  private readonly stream: Duplex;
  private readonly pending = new Map<string, Pending>();
  private alive = true;

  private constructor(stream: Duplex, resident: number[]) {
    this.stream = stream;
    this.resident = resident;
  }

  /** Starts the server as root; undefined when the image cannot run it (no Node), so callers fall back to `docker exec`. */
  static async start(container: Docker.Container, setup: RunnerSetup): Promise<ExecServer | undefined> {
    const exec = await container.exec({
      Cmd: ['node', '-e', EXEC_SERVER_SCRIPT],
      User: '0:0',
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: true });
    const stdout = new PassThrough();
    container.modem.demuxStream(stream, stdout, new PassThrough().resume());
    stream.on('end', () => stdout.end());
    stream.on('error', () => stdout.end());
    stream.write(`${JSON.stringify({ uid: setup.uid, gid: setup.gid, resident: setup.resident ?? null })}\n`);
    let server: ExecServer | undefined;
    const ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
      const lines = createInterface({ input: stdout });
      lines.on('line', (line) => {
        if (server) return server.receive(line);
        clearTimeout(timer);
        const frame = parseFrame(line);
        // Anything else is not the server speaking: Docker's own error (no `node`, the exec failed to start).
        if (frame?.kind === 'ready') server = new ExecServer(stream, frame.resident);
        else lines.close();
        resolve(server !== undefined);
      });
      lines.on('close', () => {
        clearTimeout(timer);
        resolve(false);
        server?.close();
      });
    });
    if (await ready) return server;
    stream.destroy();
    return undefined;
  }

  get running(): boolean {
    return this.alive;
  }

  run(request: CommandRun): Promise<CommandOutcome> {
    if (!this.alive) return Promise.resolve({ exitCode: null, output: '' });
    return new Promise((resolve, reject) => {
      this.pending.set(request.execId, { request, output: new BoundedOutput(), resolve, reject });
      this.send({ id: request.execId, command: request.command, cwd: request.cwd });
    });
  }

  kill(execId: string): void {
    if (this.alive) this.send({ kill: execId });
  }

  private send(message: object): void {
    this.stream.write(`${JSON.stringify(message)}\n`);
  }

  private receive(line: string): void {
    const frame = parseFrame(line);
    if (!frame || frame.kind === 'ready') return this.fail(line);
    const pending = this.pending.get(frame.id);
    if (!pending) return this.fail(line);
    if (frame.kind === 'data') {
      pending.output.append(frame.data);
      pending.request.onOutput?.(frame.data);
      return;
    }
    this.pending.delete(pending.request.execId);
    pending.resolve({
      exitCode: frame.exitCode,
      output: pending.output.text,
      ...(pending.output.dropped && { dropped: pending.output.dropped }),
      counters: frame.counters,
    });
  }

  /**
   * A malformed frame, or one about a command not running: stop the server (the next command starts a
   * new one, which kills everything this one left) and fail its commands, whose outcome is unknown.
   */
  private fail(line: string): void {
    const error = new ServerProtocolError(
      `the sandbox's command server sent a malformed message (${JSON.stringify(line.slice(0, 200))}), ` +
        'so it was stopped and the outcome of this command is unknown; the next command starts a new server',
    );
    this.stop((pending) => pending.reject(error));
  }

  /** The server died (killed by a command or the OOM killer): its commands end without an exit code. */
  private close(): void {
    this.stop(({ output, resolve }) => resolve({ exitCode: null, output: output.text }));
  }

  private stop(settle: (pending: Pending) => void): void {
    this.alive = false;
    // A server that stopped making sense must not keep its connection (and the process) alive.
    this.stream.destroy();
    for (const pending of this.pending.values()) settle(pending);
    this.pending.clear();
  }
}

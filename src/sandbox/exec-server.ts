import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { CommandOutcome, CommandRun, CommandRunner } from './command-runner.js';
import { EXEC_SERVER_SCRIPT } from './exec-server-script.js';
import { BoundedOutput } from './bounded-output.js';

const READY_TIMEOUT_MS = 10_000;

interface Pending {
  request: CommandRun;
  output: BoundedOutput;
  resolve: (outcome: CommandOutcome) => void;
}

interface ServerMessage {
  ready?: boolean;
  id?: string;
  data?: string;
  exit?: number | null;
  oom?: number;
  pids?: number;
}

/** Runs commands through the in-container command server (see exec-server-script.ts). */
export class ExecServer implements CommandRunner {
  private readonly stream: Duplex;
  private readonly pending = new Map<string, Pending>();
  private alive = true;

  private constructor(stream: Duplex) {
    this.stream = stream;
  }

  /** Starts the server; undefined when the image cannot run it (no Node), so callers fall back to `docker exec`. */
  static async start(container: Docker.Container): Promise<ExecServer | undefined> {
    const exec = await container.exec({
      Cmd: ['node', '-e', EXEC_SERVER_SCRIPT],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: true });
    const stdout = new PassThrough();
    container.modem.demuxStream(stream, stdout, new PassThrough().resume());
    const server = new ExecServer(stream);
    const ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
      const lines = createInterface({ input: stdout });
      lines.on('line', (line) => {
        const message = parseMessage(line);
        // Not the server speaking: Docker's own error (the container went away, the exec failed to start).
        if (!message) {
          clearTimeout(timer);
          resolve(false);
          server.close();
          return;
        }
        if (message.ready) {
          clearTimeout(timer);
          resolve(true);
        } else server.receive(message);
      });
      lines.on('close', () => {
        clearTimeout(timer);
        resolve(false);
        server.close();
      });
    });
    stream.on('end', () => stdout.end());
    stream.on('error', () => stdout.end());
    if (await ready) return server;
    stream.destroy();
    return undefined;
  }

  get running(): boolean {
    return this.alive;
  }

  run(request: CommandRun): Promise<CommandOutcome> {
    if (!this.alive) return Promise.resolve({ exitCode: null, output: '' });
    return new Promise((resolve) => {
      this.pending.set(request.execId, { request, output: new BoundedOutput(), resolve });
      this.send({ id: request.execId, command: request.command, cwd: request.cwd });
    });
  }

  kill(execId: string): void {
    if (this.alive) this.send({ kill: execId });
  }

  private send(message: object): void {
    this.stream.write(`${JSON.stringify(message)}\n`);
  }

  private receive(message: ServerMessage): void {
    const pending = message.id === undefined ? undefined : this.pending.get(message.id);
    if (!pending) return;
    if (message.data !== undefined) {
      pending.output.append(message.data);
      pending.request.onOutput?.(message.data);
    }
    if (message.exit === undefined) return;
    this.pending.delete(pending.request.execId);
    pending.resolve({
      exitCode: message.exit,
      output: pending.output.text,
      ...(pending.output.dropped && { dropped: pending.output.dropped }),
      counters: { oomKills: message.oom ?? 0, pidsRefusals: message.pids ?? 0 },
    });
  }

  /** The server died (for example the OOM killer chose it): its commands end without an exit code. */
  private close(): void {
    this.alive = false;
    // A server that stopped making sense must not keep its connection (and the process) alive.
    this.stream.destroy();
    for (const { output, resolve } of this.pending.values()) resolve({ exitCode: null, output: output.text });
    this.pending.clear();
  }
}

function parseMessage(line: string): ServerMessage | undefined {
  try {
    const message: unknown = JSON.parse(line);
    return message && typeof message === 'object' ? (message as ServerMessage) : undefined;
  } catch {
    return undefined;
  }
}

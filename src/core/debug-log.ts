import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { redactKeys } from './model-keys.js';
import { stateDir } from './state-dir.js';
import type { UsageReport } from './usage.js';

/** Logs kept in the directory, the new one included: enough for a few bug reports, never a pile. */
const KEPT_LOGS = 20;
/** `<ISO time with - for : and .>-<pid>.log`: sorts by time, and only such files are ever pruned. */
const LOG_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-\d+\.log$/;

type DebugRecord =
  /** One attempt of a provider call (a retried call is several). */
  | {
      type: 'request';
      model: string;
      attempt: number;
      duration_ms: number;
      /** `ok`, or the kind of provider error. */
      outcome: string;
      usage?: UsageReport;
      stop_reason?: string;
      error?: string;
    }
  | { type: 'retry'; attempt: number; delay_ms: number; reason: string }
  | { type: 'route'; model: string; reason: string }
  /** What a provider SDK logged (src/providers/sdk-log.ts). */
  | { type: 'sdk'; level: string; message: string };

/**
 * `--debug`: what a user attaches to a bug report. One JSON line per record,
 * appended through a stream so the loop never waits for the disk, with every
 * model key redacted. Until enabled every method is a no-op, so the places
 * that record (errors recovered from on purpose, requests, routing) stay one line.
 */
class DebugLog {
  private stream: WriteStream | undefined;
  private file: string | undefined;

  /** The log being written, if any. */
  get path(): string | undefined {
    return this.file;
  }

  /** Starts a new log in <state>/logs and prunes the oldest; returns its path. */
  async enable(version: string): Promise<string> {
    const dir = path.join(stateDir(), 'logs');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
    const stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
    // A log that cannot be written (disk full) must not take the session down: it just stops.
    stream.on('error', () => {
      if (this.stream === stream) this.stream = undefined;
    });
    this.stream = stream;
    this.file = file;
    this.write({
      type: 'start',
      version,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      argv: process.argv.slice(2),
    });
    await prune(dir, file).catch((error: unknown) => this.swallowed('debug log: pruning old logs', error));
    return file;
  }

  /** An error the harness recovers from by design (a cache it rebuilds, a directory it skips). */
  swallowed(where: string, error: unknown): void {
    this.write({ type: 'swallowed', where, error: describe(error) });
  }

  record(record: DebugRecord): void {
    this.write(record);
  }

  /** Ends the log once everything written so far is on disk. */
  async close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    this.write({ type: 'end' });
    this.stream = undefined;
    await new Promise<void>((resolve) => stream.end(resolve));
  }

  private write(record: { type: string } & Record<string, unknown>): void {
    if (!this.stream) return;
    const line = JSON.stringify({ time: new Date().toISOString(), ...record }, (_key, value: unknown) =>
      typeof value === 'string' ? redactKeys(value) : value,
    );
    this.stream.write(`${line}\n`);
  }
}

function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as NodeJS.ErrnoException).code;
  return { name: error.name, message: error.message, ...(code && { code }), stack: error.stack };
}

async function prune(dir: string, current: string): Promise<void> {
  const logs = (await readdir(dir)).filter((name) => LOG_NAME.test(name) && name !== path.basename(current));
  const stale = logs.sort().slice(0, Math.max(0, logs.length - (KEPT_LOGS - 1)));
  await Promise.all(stale.map((name) => rm(path.join(dir, name), { force: true })));
}

/** The one log of this process, configured by `--debug`. */
export const debugLog = new DebugLog();

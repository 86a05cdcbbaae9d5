import { closeSync, fsyncSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Message } from '../core/messages.js';
import { redactSecrets } from '../fs/visibility/secrets.js';
import type { Operation, StampedEvent } from '../runtime/protocol.js';
import type { RecordLine, SavedConversation } from './format.js';

/** Streamed pieces whose content also arrives whole (assistant_message, tool_call_end): not worth the disk. */
const SKIPPED = new Set<StampedEvent['type']>([
  'assistant_delta',
  'thinking_delta',
  'tool_output',
  'setup_output',
  'history',
  'index_progress',
]);

interface RecordingStart {
  id: string;
  cwd: string;
  provider: string;
  model: string;
  /** Appending to an existing session's file. */
  resumed: boolean;
}

/**
 * Appends one session's record to its file as it happens. Every line is
 * written at once (a killed process loses nothing written), and the file is
 * synced at turn boundaries (a machine crash loses at most the turn in
 * flight). Every string goes through the secrets redaction of the visibility
 * policy first: command output and the user's own text can hold tokens too.
 * A failing disk ends the recording, never the session.
 */
export class Recorder {
  private fd: number | undefined;
  /**
   * Lines kept until the user's first message: a session opened and left
   * without one is not worth a file (nor the top of the list `--continue` picks from).
   */
  private pending: RecordLine[] | undefined = [];
  /** The messages of the last state line, to write only what follows them. */
  private recorded: Message[] = [];
  private system: string | undefined;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => SavedConversation,
  ) {}

  start(start: RecordingStart): void {
    const { id, cwd, provider, model } = start;
    this.write(
      start.resumed
        ? { type: 'resumed', ts: new Date().toISOString(), provider, model }
        : { type: 'header', version: 1, id, cwd, created: new Date().toISOString(), provider, model },
    );
  }

  /** The state a resumed session starts from: only what changes after it is written. */
  continueFrom(state: SavedConversation): void {
    this.recorded = state.messages;
    this.system = state.system;
  }

  operation(op: Operation): void {
    this.guard(() => {
      if (op.type === 'user_message') this.open();
      this.write({ type: 'op', ts: Date.now(), op });
    });
  }

  /** Opens the file and writes what was kept for it. */
  private open(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.file, 'a+', 0o600);
    // A process killed mid-write left a torn line: the next record starts on a line of its own.
    if (!endsWithNewline(this.fd, this.file)) writeSync(this.fd, '\n');
    for (const line of pending) this.write(line);
  }

  event(event: StampedEvent): void {
    if (SKIPPED.has(event.type)) return;
    this.guard(() => {
      this.write({ type: 'event', event });
      // A rewind changed the conversation: a later --resume must see it as rewound.
      // At a user's turn: a resumed session can rewind the conversation to it.
      if (
        this.fd !== undefined &&
        (event.type === 'turn_end' ||
          event.type === 'idle' ||
          event.type === 'rewound' ||
          event.type === 'user_turn')
      ) {
        this.writeState();
        fsyncSync(this.fd!);
      }
      if (event.type === 'result') this.close();
    });
  }

  private writeState(): void {
    const { messages, usage, costUsd, turns, system, reads } = this.snapshot();
    let keep = 0;
    while (keep < this.recorded.length && messages[keep] === this.recorded[keep]) keep++;
    // Messages are never changed in place: the same object is the same message, so a shorter list was rewritten.
    if (keep < this.recorded.length) keep = 0;
    this.write({
      type: 'state',
      ts: Date.now(),
      keep,
      messages: messages.slice(keep),
      usage,
      cost_usd: costUsd ?? null,
      turns,
      ...(system !== this.system && { system }),
      reads,
    });
    this.recorded = messages;
    this.system = system;
  }

  private write(line: RecordLine): void {
    if (this.pending) this.pending.push(line);
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(line, redact)}\n`);
  }

  private close(): void {
    this.pending = undefined;
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.fd = undefined;
      process.emitWarning(`the session is no longer recorded to ${this.file}: ${String(error)}`);
    }
  }
}

/** Adds an event to a session that is not running (`agent undo`), as its recorder would have. */
export function appendEvent(file: string, event: StampedEvent): void {
  const fd = openSync(file, 'a+');
  try {
    if (!endsWithNewline(fd, file)) writeSync(fd, '\n');
    const line: RecordLine = { type: 'event', event };
    writeSync(fd, `${JSON.stringify(line, redact)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function redact(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? redactSecrets(value).text : value;
}

function endsWithNewline(fd: number, file: string): boolean {
  const size = statSync(file).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

import type { EventSink } from '../core/events.js';

/** A runaway command writes far faster than anyone reads: live output goes out in batches... */
const FLUSH_MS = 100;
const FLUSH_CHARS = 16_384;
/** ...and only this much of it per call. The call's result still carries its (capped) output. */
const LIVE_LIMIT_CHARS = 1 << 20;

/**
 * The live output of one tool call as `tool_output` events: coalesced into at
 * most one event per FLUSH_MS or FLUSH_CHARS, and stopped, with one notice,
 * after LIVE_LIMIT_CHARS.
 */
export class LiveOutput {
  private pending = '';
  private sent = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly id: string,
    private readonly emit: EventSink,
  ) {}

  readonly push = (chunk: string): void => {
    if (this.stopped) return;
    const room = LIVE_LIMIT_CHARS - this.sent - this.pending.length;
    this.pending += chunk.slice(0, room);
    if (chunk.length > room) {
      this.flush();
      this.stopped = true;
      this.emit({
        type: 'notice',
        message: `Live output of call ${this.id} stopped after ${LIVE_LIMIT_CHARS >> 20} MB (the call goes on; its result keeps the beginning and the end).`,
      });
    } else if (this.pending.length >= FLUSH_CHARS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  };

  /** Sends what is pending; called when the call ends, before its result. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending === '') return;
    this.emit({ type: 'tool_output', id: this.id, chunk: this.pending });
    this.sent += this.pending.length;
    this.pending = '';
  }
}

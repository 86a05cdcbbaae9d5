import type { AgentEvent, ResultEvent } from '../../src/core/events.js';
import type { AgentSession, Operation, StampedEvent } from '../../src/runtime/protocol.js';

/**
 * The component-test seam for the UI: a session that records what the UI
 * submits and lets the test push events, as the runtime would.
 */
export class FakeSession implements AgentSession {
  readonly id = 'test-session';
  readonly ops: Operation[] = [];
  readonly done: Promise<ResultEvent>;
  private readonly listeners = new Set<(event: StampedEvent) => void>();
  private seq = 0;
  private finish!: (result: ResultEvent) => void;

  constructor() {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  submit(op: Operation): void {
    this.ops.push(op);
  }

  async abandon(): Promise<void> {}

  subscribe(listener: (event: StampedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `ts` defaults to now; tests of elapsed times pass their own. */
  emit(event: AgentEvent, ts = Date.now()): void {
    const stamped = { ...event, seq: this.seq++, ts } as StampedEvent;
    for (const listener of this.listeners) listener(stamped);
  }

  end(status: ResultEvent['status'] = 'success'): void {
    const result: ResultEvent = {
      type: 'result',
      status,
      is_error: status !== 'success',
      turns: 0,
      duration_ms: 0,
      session_id: this.id,
      usage: { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 },
      text: '',
    };
    this.emit(result);
    this.finish(result);
  }
}

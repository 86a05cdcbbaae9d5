import type { AgentEvent } from '../core/events.js';
import type { StampedEvent } from './protocol.js';

type Listener = (event: StampedEvent) => void;

/**
 * Stamps each event with its sequence number and time and hands it to every
 * subscriber, in subscription order. A subscriber that throws is a bug in that
 * front end; it must not take the session (or the other subscribers) down.
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();
  private seq = 0;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly emit = (event: AgentEvent): void => {
    const stamped = { ...event, seq: ++this.seq, ts: Date.now() } as StampedEvent;
    for (const listener of this.listeners) {
      try {
        listener(stamped);
      } catch (error) {
        process.emitWarning(`an event subscriber failed: ${String(error)}`);
      }
    }
  };
}

import type { AgentEvent } from '../core/events.js';
import type { StampedEvent } from './protocol.js';

type Listener = (event: StampedEvent) => void;

/**
 * Stamps each event with its sequence number, its time and, for the events of
 * a model turn (from its turn_start to its turn_end), the turn's number, and hands it to every
 * subscriber, in subscription order. Events from before the first subscriber
 * (a front end still loading) are kept and handed to it, so none is lost. A
 * subscriber that throws is a bug in that front end; it must not take the
 * session (or the other subscribers) down. A `tap` (the recorder) sees every
 * event as it is emitted without being a subscriber, so the backlog still goes
 * to the first front end.
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();
  private backlog: StampedEvent[] | undefined = [];
  private seq = 0;
  private turn: number | undefined;

  constructor(private readonly tap?: Listener) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    const backlog = this.backlog ?? [];
    this.backlog = undefined;
    for (const event of backlog) this.deliver(listener, event);
    return () => this.listeners.delete(listener);
  }

  readonly emit = (event: AgentEvent): void => {
    if (event.type === 'turn_start') this.turn = event.turn;
    const stamped = {
      ...event,
      seq: ++this.seq,
      ts: Date.now(),
      ...(this.turn !== undefined && { in_turn: this.turn }),
    } as StampedEvent;
    if (event.type === 'turn_end') this.turn = undefined;
    this.backlog?.push(stamped);
    if (this.tap) this.deliver(this.tap, stamped);
    for (const listener of this.listeners) this.deliver(listener, stamped);
  };

  private deliver(listener: Listener, event: StampedEvent): void {
    try {
      listener(event);
    } catch (error) {
      process.emitWarning(`an event subscriber failed: ${String(error)}`);
    }
  }
}

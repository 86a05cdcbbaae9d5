import type { RestoreOperation } from '../checkpoints/rewind.js';
import type { UserInput } from '../orchestrator/session.js';

/** What the session loop waits for between messages. */
export type Delivery =
  | ({ type: 'message' } & UserInput)
  | { type: 'clear' }
  | { type: 'compact' }
  | { type: 'restore'; op: RestoreOperation }
  | { type: 'shutdown' };

/**
 * The queue between operations that arrive at any time and the loop that
 * takes them at turn boundaries. User messages are never dropped: one sent
 * while a turn runs waits here until the loop takes it.
 */
export class Inbox {
  private readonly queue: Delivery[] = [];
  private waiter: ((delivery: Delivery) => void) | undefined;

  put(delivery: Delivery): void {
    if (this.waiter) {
      const wake = this.waiter;
      this.waiter = undefined;
      wake(delivery);
    } else this.queue.push(delivery);
  }

  /** The next delivery, waiting for one if none is queued. */
  next(): Promise<Delivery> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Takes the user messages queued before the first non-message, for delivery at a turn boundary. */
  takeMessages(): UserInput[] {
    const messages: UserInput[] = [];
    while (this.queue[0]?.type === 'message') messages.push(this.queue.shift() as UserInput);
    return messages;
  }
}

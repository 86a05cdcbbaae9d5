import type { AgentEvent, PermissionMode, ResultEvent } from '../core/events.js';

/**
 * What flows into a running session. Every front end (print mode, the TUI,
 * batch runs) drives the session with these and nothing else; what comes out
 * is the event stream. Codex's submit(op) / next_event() is the precedent.
 */
export type Operation =
  /** A message from the user: the first task or a follow-up. Queued while a turn runs, delivered at the next boundary. */
  | { type: 'user_message'; text: string }
  /** The answer to an `approval_request`; `always` allows the same kind of action for the rest of the session. */
  | { type: 'approval'; id: string; decision: 'yes' | 'no' | 'always'; note?: string }
  /**
   * Stops the current turn: the running call ends as interrupted, messages queued behind it come back
   * unsent (an `unsent` event), the session waits for the next message.
   */
  | { type: 'interrupt' }
  /** Compacts the conversation before the next model call. */
  | { type: 'compact' }
  /** Uses another model (of the same provider) from the next model call on. */
  | { type: 'set_model'; model: string }
  | { type: 'set_mode'; mode: PermissionMode }
  /**
   * Puts the files back as they were before the last `turns` turns (default 1).
   * Files changed by hand since would be overwritten: without `force`, nothing
   * changes and a `restore` event names them. Waits for the running turn to end.
   */
  | { type: 'undo'; turns?: number; force?: boolean }
  /** Goes back to before `turn`: its files (as undo), the conversation (to before its message), or both. */
  | { type: 'rewind'; turn: number; scope: RewindScope; force?: boolean }
  /** Starts a new conversation in the same workspace and sandbox. */
  | { type: 'clear' }
  /**
   * Ends the session: the current turn is interrupted, everything is released, `result` is the last event.
   * `reason` is what the interrupted turn's result says (default: the session is shutting down).
   */
  | { type: 'shutdown'; reason?: string };

export type RewindScope = 'files' | 'conversation' | 'both';

/**
 * Every event carries its place in the stream and when it happened; those of
 * a model turn (model output, tool calls, usage) also carry the turn's number.
 */
export type StampedEvent = AgentEvent & { seq: number; ts: number; in_turn?: number };

/** A running session, as front ends see it. */
export interface AgentSession {
  readonly id: string;
  submit(op: Operation): void;
  /** Several consumers at once are normal (screen, recorder). Returns the unsubscribe function. */
  subscribe(listener: (event: StampedEvent) => void): () => void;
  /** Resolves with the final `result` once the session has shut down and released everything. */
  readonly done: Promise<ResultEvent>;
  /** Releases the sandbox now, without waiting for the running turn to wind down (a second Ctrl-C). */
  abandon(): Promise<void>;
}

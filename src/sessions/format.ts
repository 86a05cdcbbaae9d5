import type { AgentEvent } from '../core/events.js';
import type { ConversationState } from '../orchestrator/session.js';
import type { Operation } from '../runtime/protocol.js';

/**
 * One session file is JSON lines, appended as the session runs: a header, then
 * the operations submitted, the events (without the streaming deltas, whose
 * content the complete messages carry) and the conversation state at every
 * turn boundary. A resumed session appends to the same file.
 */
export type RecordLine =
  | { type: 'header'; version: 1; id: string; cwd: string; created: string; provider: string; model: string }
  | { type: 'resumed'; ts: string; provider: string; model: string }
  | { type: 'op'; ts: number; op: Operation }
  | { type: 'event'; event: AgentEvent & { seq: number; ts: number } }
  | StateLine;

/**
 * The conversation at a turn boundary, and as each of the user's turns
 * began (after its `user_turn` event: what a rewind goes back to). Messages are stored incrementally: the
 * first `keep` messages of the previous state line stay, `messages` follow them
 * (a compaction rewrites the conversation, so then `keep` is 0). The system
 * prompt is written when it changed.
 */
interface StateLine {
  type: 'state';
  ts: number;
  keep: number;
  messages: ConversationState['messages'];
  usage: ConversationState['usage'];
  /** Dollars so far; null once a call used a model whose price is unknown (absent in files of older versions). */
  cost_usd?: number | null;
  turns: number;
  system?: string;
  reads: Record<string, string>;
}

/** What a resumed session starts from: the conversation exactly as it was sent, and the files the model had read. */
export interface SavedConversation extends ConversationState {
  /** Hash of each file's content when the model last read it, by path relative to the workspace. */
  reads: Record<string, string>;
}

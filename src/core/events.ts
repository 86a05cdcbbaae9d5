import type { ToolCall } from './messages.js';
import type { UsageReport } from './usage.js';
import type { RestoreOutcome } from '../checkpoints/restore.js';
import type { Uncovered } from '../checkpoints/snapshot.js';

/**
 * Everything a session does is reported as one of these events. Front ends
 * (print mode, the interactive UI) are views over this stream and nothing else.
 */
export type ResultStatus = 'success' | 'error' | 'max_turns' | 'interrupted' | 'budget';

/**
 * Why a turn went to the model it went to (see model-router.ts): first_turn,
 * user_spoke, after_failure and repeated_failures go to the main model, as does
 * context_too_large (the prompt exceeds the fast model's window); routine
 * steps and compaction summaries go to the fast model when one is configured,
 * and so does tool_error: one retry after a failed read or edit, whose error
 * says what to correct, unless cache_warm keeps such a step on the main model
 * because its warm prompt cache makes it the cheaper one;
 * own_reasoning keeps a thinking model on the tool-use cycle it signed;
 * fallback moves the call to the next provider of the fallback list while the
 * primary is down, and recovered brings it back (src/providers/fallback.ts).
 */
export type RouteReason =
  | 'first_turn'
  | 'user_spoke'
  | 'after_failure'
  | 'repeated_failures'
  | 'context_too_large'
  | 'routine'
  | 'tool_error'
  | 'cache_warm'
  | 'summary'
  | 'own_reasoning'
  | 'fallback'
  | 'recovered';

export interface ResultEvent {
  type: 'result';
  status: ResultStatus;
  is_error: boolean;
  turns: number;
  duration_ms: number;
  session_id: string;
  usage: UsageReport;
  text: string;
  error?: string;
}

/** How much the session may do without asking (see src/runtime for the policy of each). */
export type PermissionMode = 'plan' | 'ask' | 'auto-edit' | 'yolo';

/** How a tool call is shown to people; the model sees the raw arguments. */
export interface CallDisplay {
  /** One line, e.g. `edit src/stats.js`, `terminal npm test`, `read src/a.ts`. */
  title: string;
  kind: 'read' | 'edit' | 'execute' | 'other';
}

/** The structured outcome of a call, next to the text the model gets. */
export type CallDetail =
  | { kind: 'diff'; path: string; diff: string; added: number; removed: number }
  | { kind: 'command'; command: string; exit_code: number | null; timed_out: boolean; output_tail: string }
  | { kind: 'matches'; count: number };

/** What an approval is asked for. */
export type ApprovalAction = 'edit' | 'command' | 'network' | 'host';

export type AgentEvent =
  | {
      type: 'session_start';
      session_id: string;
      cwd: string;
      provider: string;
      model: string;
      sandbox: string;
      tools: string[];
      permission_mode?: PermissionMode;
      /** The main model's context window in tokens, for showing how full it is. */
      context_window?: number;
    }
  /** The model chosen for the next call and why: before every turn and every compaction summary. */
  | { type: 'route'; model: string; reason: RouteReason }
  | { type: 'turn_start'; turn: number; model: string }
  | { type: 'assistant_delta'; text: string }
  /** The model's reasoning as it streams, where the provider shows it. */
  | { type: 'thinking_delta'; text: string }
  /** The model's complete turn; partial deltas of a retried attempt are superseded by this. */
  | { type: 'assistant_message'; text: string; tool_calls: ToolCall[] }
  | { type: 'tool_call_start'; id: string; name: string; arguments: string; display?: CallDisplay }
  /** Live output of the sandbox's preparation: the image build on first use, then the setup command (--setup). */
  | { type: 'setup_output'; chunk: string }
  /** Live output of a running tool (terminal commands stream here). */
  | { type: 'tool_output'; id: string; chunk: string }
  | {
      type: 'tool_call_end';
      id: string;
      name: string;
      is_error: boolean;
      output: string;
      duration_ms: number;
      detail?: CallDetail;
    }
  /** Tokens (and dollars, where the model's price is known) of the call just made and of the session so far. */
  | {
      type: 'usage';
      turn: UsageReport;
      total: UsageReport;
      /** The call wrote a compaction summary: it counts in the totals, not in how full the context is. */
      summary?: true;
    }
  /** A provider call failed transiently and will be retried; deltas streamed since turn_start are void. */
  | { type: 'retry'; attempt: number; delay_ms: number; reason: string }
  | { type: 'compaction'; tokens_before: number; tokens_after: number; strategy: string }
  | { type: 'notice'; message: string }
  /** A user message entered the conversation (a queued one when the turn that was running ended). */
  | { type: 'user_message'; text: string }
  /** The session waits for the user's answer; print mode answers by policy and never waits. */
  | {
      type: 'approval_request';
      id: string;
      call_id?: string;
      action: ApprovalAction;
      title: string;
      /** The diff of an edit or the command to run (for a question, the files it is about). */
      detail: string;
      /**
       * A yes/no question of agent's own, about no tool call (an undo that would overwrite the
       * user's changes): there is nothing to allow "always" and no model to send a note to.
       */
      question?: true;
    }
  | {
      type: 'approval_result';
      id: string;
      approved: boolean;
      /** 'session': the answer stands for this kind of action until the session ends. */
      scope: 'once' | 'session';
      by: 'user' | 'policy';
      note?: string;
    }
  | { type: 'mode_changed'; mode: PermissionMode }
  /** Where commands run, as it comes up: Docker starts in the background while the first model call is in flight. */
  | { type: 'sandbox_state'; state: 'starting' | 'ready' | 'failed'; network: boolean }
  /**
   * The repository index is being built in the background: files extracted so
   * far of those to (re)index, at its start, about twice a second, and at its
   * end (files_done === files_total). A start with an up-to-date cache sends none.
   */
  | { type: 'index_progress'; files_done: number; files_total: number }
  | { type: 'model_changed'; model: string }
  /** --git-commit committed what a request of the user changed (src/git/turn-commits.ts). */
  | { type: 'git_commit'; sha: string; branch: string; subject: string; files: string[] }
  /** The user's message that starts a turn: a turn is a message and all the work done for it (what /undo takes back). */
  | { type: 'user_turn'; turn: number; text: string }
  /** The workspace was recorded before the turn's first change; files the checkpoint leaves out are named. */
  | { type: 'checkpoint'; turn: number; uncovered: Uncovered[] }
  /** An undo or rewind of files: what was restored and deleted, or the conflicts that stopped it. */
  | ({ type: 'restore'; action: 'undo' | 'rewind' } & RestoreOutcome)
  /** The conversation went back to before a turn's message (the session file records it). */
  | { type: 'rewound'; turn: number }
  /** A model turn and its tool calls are complete. */
  | { type: 'turn_end'; turn: number }
  /**
   * Messages queued behind a turn the user interrupted, taken back unsent: the
   * interrupt stops the work, and the user decides what to say next (the TUI
   * puts them back in the prompt, as Claude Code does).
   */
  | { type: 'unsent'; texts: string[] }
  /** The session finished handling the user's messages and waits for the next one. */
  | { type: 'idle'; status: ResultStatus; text: string; error?: string }
  | { type: 'error'; message: string }
  /**
   * A resumed interactive session: what its earlier turns showed (user and model
   * messages, tool calls), so the transcript reads on from where it stopped.
   * Already in the session's file, so never recorded again.
   */
  | { type: 'history'; events: AgentEvent[] }
  | ResultEvent;

export type EventSink = (event: AgentEvent) => void;

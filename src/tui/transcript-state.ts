import type { ApprovalAction, CallDetail, PermissionMode, RouteReason } from '../core/events.js';
import { callSummary } from '../core/call-summary.js';
import { emptyUsage, toUsageReport, type UsageReport } from '../core/usage.js';
import { modelInfo } from '../providers/models.js';
import { commitLine } from '../git/commit-line.js';
import type { StampedEvent } from '../runtime/protocol.js';
import { describeRestore } from '../checkpoints/describe.js';
import { formatDuration } from './format.js';

/**
 * The screen's model of a session, built from the event stream alone by a pure
 * reducer, so every view is a function of this value and can be tested without
 * a terminal. `items` only ever grows: each item is written once to the
 * terminal's scrollback; everything else is the small live region that redraws.
 */

type Tone = 'info' | 'warn' | 'error';

export interface ToolCallView {
  id: string;
  title: string;
  startedAt: number;
  state: 'running' | 'ok' | 'error';
  /** The end of the live output (bounded), whose last lines show under a running call. */
  tail: string;
  durationMs?: number;
  /** One line shown after the ✓/✗ once the call has ended, e.g. `exit 1 · 40 lines`. */
  summary?: string;
  detail?: CallDetail;
}

export type TranscriptItem =
  | { kind: 'user'; key: number; text: string }
  | { kind: 'assistant'; key: number; text: string }
  | { kind: 'thinking'; key: number; text: string }
  | { kind: 'tool'; key: number; call: ToolCallView }
  | { kind: 'notice'; key: number; text: string; tone: Tone }
  | { kind: 'diff'; key: number; title: string; diff: string };

type WithoutKey<T> = T extends TranscriptItem ? Omit<T, 'key'> : never;
/** An item before the reducer numbers it. */
type NewItem = WithoutKey<TranscriptItem>;
/** What the UI itself prints (slash command output). */
export type LocalItem = WithoutKey<Extract<TranscriptItem, { kind: 'notice' | 'diff' }>>;

export interface PendingApproval {
  id: string;
  action: ApprovalAction;
  title: string;
  detail: string;
  /** A yes/no question (see the approval_request event): no "always", no note. */
  question?: true;
}

export interface SessionStatus {
  model: string;
  mode: PermissionMode;
  /** The sandbox's kind from session_start (`docker`, `none`). */
  sandbox: string;
  sandboxState?: Extract<StampedEvent, { type: 'sandbox_state' }>['state'];
  /** Files indexed of those to index, while the repository index is being built. */
  indexing?: { done: number; total: number };
  network: boolean;
  contextWindow: number;
  /** Tokens of the last model call's prompt and answer: what the next call starts from. */
  contextUsed: number;
  total: UsageReport;
  /** Why the router chose the current model (the last `route` event). */
  routeReason?: RouteReason;
  /** Dollars so far; null once any call used a model whose price is unknown. */
  cost: number | null;
  /** When the session started working on the user's messages; undefined while it waits for the user. */
  busySince?: number;
  /** When the current model call started (the "thinking" clock). */
  turnSince?: number;
}

export interface TuiState {
  items: TranscriptItem[];
  nextKey: number;
  /** The model's text of the current call as it streams. */
  streaming: string;
  thinking: string;
  running: ToolCallView[];
  approvals: PendingApproval[];
  /** Messages submitted but not yet delivered to the model. */
  queued: string[];
  /** Live output of the sandbox's setup command. */
  setupTail: string;
  status: SessionStatus;
  /** The turns so far (a message of the user's and the work for it), for /rewind. */
  turns: { turn: number; text: string }[];
  /** Queued messages an interrupt gave back, for the prompt to take up again (`key` tells one return from the next). */
  unsent?: { key: number; text: string };
}

export type TuiAction =
  | { type: 'event'; event: StampedEvent }
  | { type: 'queued'; text: string }
  | { type: 'print'; item: LocalItem };

/** Whether the session is handling the user's messages (Esc interrupts, the clock runs, exiting costs 130). */
export const isWorking = (state: TuiState): boolean =>
  state.status.busySince !== undefined || state.running.length > 0;

/** Live output kept per call: enough for the last lines, bounded so a chatty command costs nothing. */
const TAIL_CHARS = 2_000;

export function initialState(): TuiState {
  return {
    items: [],
    nextKey: 0,
    streaming: '',
    thinking: '',
    running: [],
    approvals: [],
    queued: [],
    setupTail: '',
    turns: [],
    status: {
      model: '',
      mode: 'auto-edit',
      sandbox: '',
      network: false,
      contextWindow: 0,
      contextUsed: 0,
      total: toUsageReport(emptyUsage()),
      cost: 0,
    },
  };
}

export function reduce(state: TuiState, action: TuiAction): TuiState {
  switch (action.type) {
    case 'queued':
      return { ...state, queued: [...state.queued, action.text] };
    case 'print':
      return append(state, action.item);
    case 'event':
      return reduceEvent(state, action.event);
  }
}

function reduceEvent(state: TuiState, event: StampedEvent): TuiState {
  const status = state.status;
  switch (event.type) {
    case 'session_start':
      return {
        ...state,
        status: {
          ...status,
          model: event.model,
          sandbox: event.sandbox,
          mode: event.permission_mode ?? status.mode,
          contextWindow: event.context_window ?? modelInfo(event.model).contextWindow,
        },
      };
    case 'sandbox_state':
      return {
        ...state,
        setupTail: '',
        status: { ...status, sandboxState: event.state, network: event.network },
      };
    case 'index_progress':
      return {
        ...state,
        status: {
          ...status,
          indexing:
            event.files_done === event.files_total
              ? undefined
              : { done: event.files_done, total: event.files_total },
        },
      };
    case 'setup_output':
      return { ...state, setupTail: (state.setupTail + event.chunk).slice(-TAIL_CHARS) };
    case 'user_message': {
      const index = state.queued.indexOf(event.text);
      // Delivery is in order, so an echo that differs from what was typed still settles the oldest.
      const queued = state.queued.filter((_, i) => i !== (index === -1 ? 0 : index));
      return append(
        { ...state, queued, status: { ...status, busySince: status.busySince ?? event.ts } },
        {
          kind: 'user',
          text: event.text,
        },
      );
    }
    case 'route':
      return { ...state, status: { ...status, model: event.model, routeReason: event.reason } };
    case 'turn_start':
      return {
        ...state,
        setupTail: '',
        status: {
          ...status,
          model: event.model,
          busySince: status.busySince ?? event.ts,
          turnSince: event.ts,
        },
      };
    case 'thinking_delta':
      return { ...state, thinking: state.thinking + event.text };
    case 'assistant_delta':
      return { ...flushThinking(state), streaming: state.streaming + event.text };
    case 'assistant_message': {
      const flushed = { ...flushThinking(state), streaming: '' };
      return event.text.trim() ? append(flushed, { kind: 'assistant', text: event.text }) : flushed;
    }
    case 'retry':
      // The attempt's deltas are void: the retried call streams them again.
      return append(
        { ...state, streaming: '', thinking: '' },
        {
          kind: 'notice',
          tone: 'warn',
          text: `${event.reason}; retrying in ${formatDuration(event.delay_ms)}`,
        },
      );
    case 'tool_call_start':
      return {
        ...flushThinking(state),
        running: [
          ...state.running,
          {
            id: event.id,
            title: event.display?.title ?? `${event.name} ${oneLine(event.arguments)}`,
            startedAt: event.ts,
            state: 'running',
            tail: '',
          },
        ],
      };
    case 'tool_output':
      return {
        ...state,
        running: state.running.map((call) =>
          call.id === event.id ? { ...call, tail: (call.tail + event.chunk).slice(-TAIL_CHARS) } : call,
        ),
      };
    case 'tool_call_end': {
      const started = state.running.find((call) => call.id === event.id);
      const call: ToolCallView = {
        id: event.id,
        title: started?.title ?? event.name,
        startedAt: started?.startedAt ?? event.ts,
        state: event.is_error ? 'error' : 'ok',
        tail: event.detail?.kind === 'command' ? event.detail.output_tail : (started?.tail ?? ''),
        durationMs: event.duration_ms,
        summary: callSummary(event.is_error, event.output, event.detail),
        detail: event.detail,
      };
      return append(
        { ...state, running: state.running.filter((c) => c.id !== event.id) },
        { kind: 'tool', call },
      );
    }
    case 'approval_request':
      return {
        ...state,
        approvals: [
          ...state.approvals,
          {
            id: event.id,
            action: event.action,
            title: event.title,
            detail: event.detail,
            ...(event.question && { question: event.question }),
          },
        ],
      };
    case 'approval_result': {
      const request = state.approvals.find((a) => a.id === event.id);
      const next = {
        ...state,
        approvals: state.approvals.filter((a) => a.id !== event.id),
        status: {
          ...status,
          network:
            status.network || (event.approved && event.scope === 'session' && request?.action === 'network'),
        },
      };
      // Approvals the policy grants are the mode working as chosen; only answers and refusals are worth a line.
      // A question's answer is followed by what came of it (an undo done, or cancelled): that is its line.
      if ((event.by === 'policy' && event.approved) || request?.question) return next;
      const verdict = event.approved ? (event.scope === 'session' ? 'always allowed' : 'allowed') : 'refused';
      const by = event.by === 'policy' ? ` by the ${status.mode} mode` : '';
      const note = event.note ? ` — “${event.note}”` : '';
      return append(next, {
        kind: 'notice',
        tone: event.approved ? 'info' : 'warn',
        text: `${verdict}${by}: ${request?.title ?? event.id}${note}`,
      });
    }
    case 'usage':
      return {
        ...state,
        status: {
          ...status,
          total: event.total,
          contextUsed: event.summary
            ? status.contextUsed
            : event.turn.input_tokens + event.turn.output_tokens,
          cost: event.total.cost_usd ?? null,
        },
      };
    case 'compaction':
      return append(
        { ...state, status: { ...status, contextUsed: event.tokens_after } },
        {
          kind: 'notice',
          tone: 'info',
          text: `context compacted: ${event.tokens_before} → ${event.tokens_after} tokens (${event.strategy})`,
        },
      );
    case 'notice':
      return append(state, { kind: 'notice', tone: 'info', text: event.message });
    case 'git_commit':
      return append(state, { kind: 'notice', tone: 'info', text: commitLine(event) });
    case 'error':
      return append(state, { kind: 'notice', tone: 'error', text: event.message });
    case 'mode_changed':
      return { ...state, status: { ...status, mode: event.mode } };
    case 'model_changed':
      return {
        ...state,
        status: { ...status, model: event.model, contextWindow: modelInfo(event.model).contextWindow },
      };
    case 'idle': {
      // A turn cut short leaves its streamed words behind: keep them rather than lose them.
      let next = flushThinking(state);
      if (next.streaming.trim()) next = append(next, { kind: 'assistant', text: next.streaming });
      next = {
        ...next,
        streaming: '',
        status: { ...next.status, busySince: undefined, turnSince: undefined },
      };
      if (event.status === 'interrupted')
        return append(next, { kind: 'notice', tone: 'warn', text: 'interrupted' });
      if (event.status === 'max_turns' || event.status === 'error' || event.status === 'budget') {
        const text = `stopped (${event.status})${event.error ? `: ${event.error}` : ''}`;
        return append(next, { kind: 'notice', tone: 'error', text });
      }
      return next;
    }
    case 'history':
      return replayHistory(state, event);
    case 'unsent': {
      const queued = [...state.queued];
      for (const text of event.texts) {
        const index = queued.indexOf(text);
        queued.splice(index === -1 ? 0 : index, 1);
      }
      return { ...state, queued, unsent: { key: event.seq, text: event.texts.join('\n') } };
    }
    case 'user_turn':
      return { ...state, turns: [...state.turns, { turn: event.turn, text: event.text }] };
    case 'checkpoint':
      return event.uncovered.length === 0
        ? state
        : append(state, {
            kind: 'notice',
            tone: 'info',
            text: `checkpoint of turn ${event.turn} leaves out: ${event.uncovered.map((u) => `${u.path} (${u.reason})`).join(', ')}`,
          });
    case 'restore':
      return append(state, {
        kind: 'notice',
        tone: event.status === 'restored' ? 'info' : 'warn',
        text: describeRestore(event),
      });
    case 'rewound':
      return append(
        { ...state, turns: state.turns.filter((t) => t.turn < event.turn) },
        { kind: 'notice', tone: 'info', text: `— conversation rewound to before turn ${event.turn} —` },
      );
    case 'turn_end':
    case 'result':
      return state;
  }
}

/**
 * A resumed session's earlier transcript, drawn as it was: its events go
 * through this same reducer on their own, so only the finished items carry
 * over (a call cut off by a kill shows as a line, never as still running),
 * with the usage so far and the turns /rewind can reach.
 */
function replayHistory(state: TuiState, history: Extract<StampedEvent, { type: 'history' }>): TuiState {
  let past = initialState();
  for (const event of history.events)
    past = reduceEvent(past, { ...event, seq: history.seq, ts: history.ts });
  const { total, cost, contextUsed } = past.status;
  // The running totals and the turns (for /rewind) go on from the recorded ones.
  let next: TuiState = { ...state, turns: past.turns, status: { ...state.status, total, cost, contextUsed } };
  for (const item of past.items) next = append(next, item); // append renumbers it
  for (const call of past.running)
    next = append(next, { kind: 'tool', call: { ...call, state: 'error', summary: 'cut off' } });
  return next;
}

/** Adds a finished item; the spread keeps the state immutable so React sees the change. */
function append(state: TuiState, item: NewItem): TuiState {
  return {
    ...state,
    items: [...state.items, { ...item, key: state.nextKey } as TranscriptItem],
    nextKey: state.nextKey + 1,
  };
}

/** Reasoning is collapsed into one finished item as soon as the model moves on to text or tools. */
function flushThinking(state: TuiState): TuiState {
  if (!state.thinking.trim()) return state.thinking ? { ...state, thinking: '' } : state;
  return append({ ...state, thinking: '' }, { kind: 'thinking', text: state.thinking });
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

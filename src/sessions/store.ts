import { readdirSync, readFileSync, rmSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { repositoryKey, stateDir } from '../core/state-dir.js';
import type { AgentEvent } from '../core/events.js';
import type { Message } from '../core/messages.js';
import { emptyUsage } from '../core/usage.js';
import type { ConversationState } from '../orchestrator/session.js';
import type { RecordLine, SavedConversation } from './format.js';

/** Where every repository's sessions live. */
function sessionsRoot(): string {
  return path.join(stateDir(), 'sessions');
}

/** One folder per repository. */
export function repositorySessions(workspaceRoot: string): string {
  return path.join(sessionsRoot(), repositoryKey(workspaceRoot));
}

export function sessionFile(dir: string, id: string): string {
  return path.join(dir, `${id}.jsonl`);
}

/** A session as read back from its file. */
export interface StoredSession {
  id: string;
  file: string;
  cwd: string;
  created: string;
  /** When the file was last written. */
  updated: Date;
  /** Messages of the user's that entered the conversation (what /undo and /rewind count as turns). */
  messages: number;
  /** Calls to the model over the whole session. */
  modelCalls: number;
  firstMessage: string;
  /** Files changed by edit and write (commands are not tracked here). */
  changedFiles: string[];
  /** The conversation at the last complete turn boundary; undefined if no turn completed. */
  state: SavedConversation | undefined;
  /** The conversation as each of the user's turns (still standing) began: what /rewind goes back to. */
  turnStarts: Map<number, ConversationState>;
  /** The number of the session's last turn of the user's (0 before any): a resumed session numbers on from it. */
  lastTurn: number;
  /** The model a `/model` chose in the session's last run, if one did (and its provider). */
  chosenModel: { provider: string; model: string } | undefined;
  /** Undos and rewinds of files after that boundary: the model has not heard of them yet. */
  restoresSinceState: Extract<AgentEvent, { type: 'restore' }>[];
  lines: RecordLine[];
}

/** A conversation before its first message. */
const EMPTY: ConversationState = { messages: [], usage: emptyUsage(), turns: 0, system: '' };

/** Reads a session file. Unreadable lines (a torn last line after a kill) are skipped. */
export function loadSession(file: string): StoredSession {
  const lines: RecordLine[] = [];
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (!text) continue;
    try {
      lines.push(JSON.parse(text) as RecordLine);
    } catch {
      // torn by a kill mid-write: everything before it stands
    }
  }
  const header = lines.find((line) => line.type === 'header');
  let state: SavedConversation | undefined;
  let firstMessage = '';
  const changed = new Set<string>();
  let restores: StoredSession['restoresSinceState'] = [];
  let userMessages = 0;
  const turnStarts = new Map<number, ConversationState>();
  /** A turn whose start the next state line records (files of older versions lack it). */
  let starting: number | undefined;
  let provider = '';
  let chosenModel: StoredSession['chosenModel'];
  let lastTurn = 0;
  for (const line of lines) {
    // The state line the recorder writes right after a user_turn event is the turn's start.
    const justStarted = starting;
    starting = undefined;
    if (line.type === 'header' || line.type === 'resumed') {
      // Each run starts on the model its flags and configuration name.
      provider = line.provider;
      chosenModel = undefined;
    }
    if (line.type === 'event') {
      const { event } = line;
      if (event.type === 'user_message') userMessages++;
      if (event.type === 'model_changed') chosenModel = { provider, model: event.model };
      if (event.type === 'user_turn') {
        turnStarts.set(event.turn, state ?? EMPTY);
        starting = event.turn;
        lastTurn = Math.max(lastTurn, event.turn);
      }
      if (event.type === 'rewound')
        for (const turn of turnStarts.keys()) if (turn >= event.turn) turnStarts.delete(turn);
    }
    if (line.type === 'event' && line.event.type === 'restore') restores.push(line.event);
    if (line.type === 'op' && line.op.type === 'user_message') firstMessage ||= line.op.text;
    if (line.type === 'event' && line.event.type === 'tool_call_end' && line.event.detail?.kind === 'diff')
      changed.add(line.event.detail.path);
    if (line.type !== 'state') continue;
    restores = [];
    const messages: Message[] = [...(state?.messages.slice(0, line.keep) ?? []), ...line.messages];
    const system = line.system ?? state?.system ?? '';
    state = {
      messages,
      usage: line.usage,
      ...(line.cost_usd !== null && { costUsd: line.cost_usd ?? 0 }),
      turns: line.turns,
      system,
      reads: line.reads,
    };
    if (justStarted !== undefined) turnStarts.set(justStarted, state);
  }
  return {
    id: header?.id ?? path.basename(file, '.jsonl'),
    file,
    cwd: header?.cwd ?? '',
    created: header?.created ?? '',
    updated: statSync(file).mtime,
    messages: userMessages,
    modelCalls: state?.turns ?? 0,
    firstMessage,
    changedFiles: [...changed].sort(),
    state,
    turnStarts,
    lastTurn,
    chosenModel,
    restoresSinceState: restores,
    lines,
  };
}

/** Recorded events worth showing again when a session resumes: its messages and tool calls. */
const TRANSCRIPT_EVENTS = new Set<AgentEvent['type']>([
  'user_message',
  'assistant_message',
  'tool_call_start',
  'tool_call_end',
  'compaction',
]);

/** What a resumed session's screen carries on from besides the transcript: its turns (for /rewind). */
const BOOKKEEPING_EVENTS = new Set<AgentEvent['type']>(['user_turn', 'rewound']);

/**
 * The last `limit` events of a session's transcript, to show above a resumed
 * conversation, with every turn of the user's and the last usage report (the
 * totals and how full the context is), in the order they happened.
 */
export function transcriptOf(session: StoredSession, limit: number): AgentEvent[] {
  const events = session.lines.flatMap((line) => (line.type === 'event' ? [line.event] : []));
  const shown = new Set(events.filter((event) => TRANSCRIPT_EVENTS.has(event.type)).slice(-limit));
  // The totals are the last report's; how full the context is, the last call's (a summary's does not say).
  const usage = new Set([
    events.findLast((event) => event.type === 'usage'),
    events.findLast((event) => event.type === 'usage' && !event.summary),
  ]);
  return events.filter((event) => shown.has(event) || BOOKKEEPING_EVENTS.has(event.type) || usage.has(event));
}

/** The sessions in a repository's folder, most recently active first. */
export function listSessions(dir: string): StoredSession[] {
  return sessionFiles(dir)
    .map(loadSession)
    .sort((a, b) => b.updated.getTime() - a.updated.getTime());
}

/** Every repository's session folder. */
export function repositoryFolders(): string[] {
  return entries(sessionsRoot()).map((name) => path.join(sessionsRoot(), name));
}

/** The ids of a repository's recorded sessions. */
export function sessionIds(dir: string): Set<string> {
  return new Set(sessionFiles(dir).map((file) => path.basename(file, '.jsonl')));
}

/** Files of sessions whose id starts with `prefix`. */
export function findSessions(dir: string, prefix: string): string[] {
  return sessionFiles(dir).filter((file) => path.basename(file).startsWith(prefix));
}

/** Deletes sessions not written for longer than `days`, and folders left empty. Returns how many went. */
export function pruneSessions(days: number, now = Date.now()): number {
  let removed = 0;
  for (const dir of repositoryFolders()) {
    for (const file of sessionFiles(dir)) {
      const written = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? now;
      if (now - written <= days * 86_400_000) continue;
      rmSync(file, { force: true });
      removed++;
    }
    if (entries(dir).length > 0) continue;
    try {
      rmdirSync(dir);
    } catch {
      // a session starting in this repository wrote to it meanwhile
    }
  }
  return removed;
}

function sessionFiles(dir: string): string[] {
  return entries(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) => path.join(dir, name));
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

import { realpathSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { terminalSafe } from '../core/terminal-text.js';
import type { AgentConfig } from '../runtime/agent.js';
import {
  findSessions,
  listSessions,
  loadSession,
  repositorySessions,
  transcriptOf,
  type StoredSession,
} from '../sessions/store.js';
import { restoreNoteForModel } from '../checkpoints/describe.js';
import { UsageError } from './exit-codes.js';

/** Enough of a resumed session's transcript to read on from, bounded so a long session opens fast. */
const HISTORY_EVENTS = 400;

const HOW_TO_FIND = '`agent sessions` lists the ids of this repository’s sessions';

/**
 * The conversation --continue or --resume asks for, to resume in the
 * repository at `cwd` (see recordedSession).
 */
export async function chosenSession(
  flags: { continue?: boolean; resume?: string | true },
  cwd: string,
): Promise<AgentConfig['resume']> {
  const session = await recordedSession(flags, cwd);
  if (!session) return undefined;
  return {
    id: session.id,
    state: session.state,
    history: transcriptOf(session, HISTORY_EVENTS),
    notes: session.restoresSinceState.flatMap((restore) => restoreNoteForModel(restore) ?? []),
    turnStarts: session.turnStarts,
    lastTurn: session.lastTurn,
    ...(session.chosenModel && { model: session.chosenModel }),
  };
}

/**
 * The recorded session the flags name, in the repository at `cwd`: the latest
 * one, the one whose id starts with the given prefix, or (--resume without an
 * id, which checkResumeFlags allows only in a terminal) the one the user picks.
 */
export async function recordedSession(
  flags: { continue?: boolean; resume?: string | true },
  cwd: string,
): Promise<StoredSession | undefined> {
  if (!flags.continue && flags.resume === undefined) return undefined;
  const dir = repositorySessions(realpathSync(cwd));
  if (typeof flags.resume === 'string') {
    const matches = findSessions(dir, flags.resume);
    if (matches.length === 0) throw new UsageError(`no session ${flags.resume} in ${cwd}; ${HOW_TO_FIND}`);
    if (matches.length > 1)
      throw new UsageError(`${matches.length} sessions start with ${flags.resume}; give more of the id`);
    return loadSession(matches[0]!);
  }
  const sessions = listSessions(dir);
  if (sessions.length === 0) throw new UsageError(`no recorded session in ${cwd} to resume`);
  return flags.continue ? sessions[0]! : await pick(sessions);
}

/** What is wrong with --continue and --resume on their own: checked before anything else, a missing task included. */
export function checkResumeFlags(
  flags: { continue?: boolean; resume?: string | true },
  interactive: boolean,
): void {
  if (flags.continue && flags.resume !== undefined)
    throw new UsageError('use --continue or --resume, not both');
  if (flags.resume === true && !interactive)
    throw new UsageError(`--resume needs a session id in print mode; ${HOW_TO_FIND}`);
  // `agent -p --resume "add a test"`: the task went to --resume, whose value is optional. Ids have no spaces.
  if (typeof flags.resume === 'string' && /\s/.test(flags.resume))
    throw new UsageError(
      `--resume took "${flags.resume}" as a session id; give the id before the task (agent --resume <id> "task"), or --continue; ${HOW_TO_FIND}`,
    );
}

/** One line per session for people: date, the user's messages (what /undo counts as turns), first message, changed files. */
export function describeSession(session: StoredSession): string {
  const date = session.updated.toISOString().slice(0, 16).replace('T', ' ');
  const first = session.firstMessage.replace(/\s+/g, ' ').slice(0, 60);
  const files = session.changedFiles.length > 0 ? `  [${session.changedFiles.join(', ')}]` : '';
  return terminalSafe(
    `${session.id.slice(0, 8)}  ${date}  ${session.messages} message${session.messages === 1 ? '' : 's'}  ${first}${files}`,
  );
}

/** A numbered list on stderr and a question, before the interactive UI takes the terminal. */
async function pick(sessions: StoredSession[]): Promise<StoredSession> {
  const shown = sessions.slice(0, 20);
  shown.forEach((session, i) =>
    process.stderr.write(`${String(i + 1).padStart(2)}. ${describeSession(session)}\n`),
  );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-C or end of input at the question is "none".
  const answered = new AbortController();
  rl.on('SIGINT', () => answered.abort());
  rl.on('close', () => answered.abort());
  try {
    const answer = await rl.question('Resume which session? [1] ', { signal: answered.signal });
    const chosen = shown[Number(answer.trim() || '1') - 1];
    if (!chosen) throw new UsageError(`no session number ${answer.trim()} in the list`);
    return chosen;
  } catch (error) {
    if (answered.signal.aborted) throw new UsageError('no session chosen');
    throw error;
  } finally {
    rl.close();
  }
}

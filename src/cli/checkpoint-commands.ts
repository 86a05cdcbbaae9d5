import { realpathSync } from 'node:fs';
import path from 'node:path';
import { describeRestore } from '../checkpoints/describe.js';
import { CheckpointStore } from '../checkpoints/checkpoint-store.js';
import { undoTurns, type RestoreOutcome } from '../checkpoints/restore.js';
import { claimSession } from '../sessions/in-use.js';
import { appendEvent } from '../sessions/recorder.js';
import { repositorySessions, sessionFile } from '../sessions/store.js';
import { sessionChanges } from '../checkpoints/session-diff.js';
import { terminalSafe } from '../core/terminal-text.js';
import { ExitCode } from './exit-codes.js';
import { recordedSession } from './session-choice.js';

interface SessionFlags {
  cwd: string;
  /** An id or id prefix; default: this repository's latest session. */
  session?: string;
}

/**
 * `agent undo`: the files as they were before the session's last turn (or
 * last N). Refuses, naming them, when files changed since by someone else
 * would be overwritten, unless forced.
 */
export async function undoCommand(flags: SessionFlags & { turns: number; force?: boolean }): Promise<number> {
  const { root, id } = await sessionOf(flags);
  const file = sessionFile(repositorySessions(root), id);
  // Not under a running agent's feet; and no resume may start while the files go back.
  const claim = await claimSession(file, id);
  let outcome: RestoreOutcome;
  try {
    outcome = await undoTurns(
      await CheckpointStore.open(root),
      id,
      { count: flags.turns },
      Boolean(flags.force),
    );
    // Recorded in the session, so that a resumed session tells the model its changes are gone.
    if (outcome.status === 'restored')
      appendEvent(file, { type: 'restore', action: 'undo', ...outcome, seq: 0, ts: Date.now() });
  } finally {
    await claim.release();
  }
  const report = terminalSafe(`${describeRestore(outcome)}\n`);
  if (outcome.status === 'conflict') {
    process.stderr.write(`agent: ${report}Nothing was changed; --force overwrites them.\n`);
    return ExitCode.error;
  }
  (outcome.status === 'restored' ? process.stdout : process.stderr).write(report);
  return outcome.failed.length > 0 ? ExitCode.error : ExitCode.success;
}

/** `agent diff`: what the session changed, against its first checkpoint. Coloured on a terminal unless NO_COLOR is set. */
export async function diffCommand(flags: SessionFlags): Promise<number> {
  const { root, id } = await sessionOf(flags);
  const { diff, uncovered } = await sessionChanges(root, id);
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const safe = terminalSafe(diff);
  process.stdout.write(color ? colorDiff(safe) : safe);
  if (!diff) process.stderr.write('no changes since the session’s first checkpoint\n');
  if (uncovered.length > 0)
    process.stderr.write(terminalSafe(`not covered by checkpoints: ${uncovered.join(', ')}\n`));
  return ExitCode.success;
}

async function sessionOf(flags: SessionFlags): Promise<{ root: string; id: string }> {
  const root = realpathSync(path.resolve(flags.cwd));
  // Only its id: not the transcript and notes a resume would carry on from.
  const chosen = await recordedSession(flags.session ? { resume: flags.session } : { continue: true }, root);
  return { root, id: chosen!.id };
}

const ANSI = { red: '\x1b[31m', green: '\x1b[32m', cyan: '\x1b[36m', bold: '\x1b[1m', reset: '\x1b[0m' };

function colorDiff(diff: string): string {
  return diff
    .split('\n')
    .map((line) => {
      if (/^(---|\+\+\+|Index:|Binary file)/.test(line)) return `${ANSI.bold}${line}${ANSI.reset}`;
      if (line.startsWith('@@')) return `${ANSI.cyan}${line}${ANSI.reset}`;
      if (line.startsWith('+')) return `${ANSI.green}${line}${ANSI.reset}`;
      if (line.startsWith('-')) return `${ANSI.red}${line}${ANSI.reset}`;
      return line;
    })
    .join('\n');
}

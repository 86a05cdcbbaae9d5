import type { RestoreOutcome } from './restore.js';

/** An undo's or rewind's outcome in a few lines for people: the TUI's notice and `agent undo`'s report. */
export function describeRestore(outcome: RestoreOutcome): string {
  const turns = outcome.turns.length === 1 ? `turn ${outcome.turns[0]}` : `turns ${outcome.turns.join(', ')}`;
  const lines: string[] = [];
  switch (outcome.status) {
    case 'nothing':
      return 'nothing to undo: no turn of this session changed files';
    case 'conflict':
      lines.push(
        `not undone: ${turns} would overwrite changes made since by someone else (by hand?): ${outcome.conflicts.join(', ')}`,
      );
      break;
    case 'restored':
      lines.push(`undid ${turns}`);
      if (outcome.restored.length > 0) lines.push(`restored: ${outcome.restored.join(', ')}`);
      if (outcome.deleted.length > 0)
        lines.push(`deleted (created by ${turns}): ${outcome.deleted.join(', ')}`);
      if (outcome.restored.length + outcome.deleted.length === 0) lines.push('no file needed restoring');
      if (outcome.conflicts.length > 0)
        lines.push(`overwritten although changed since: ${outcome.conflicts.join(', ')}`);
      break;
  }
  for (const failure of outcome.failed) lines.push(`could not restore ${failure.path}: ${failure.error}`);
  if (outcome.uncovered.length > 0)
    lines.push(`not covered by checkpoints, left as they are: ${outcome.uncovered.join(', ')}`);
  if (outcome.unchecked.length > 0)
    lines.push(
      `turn ${outcome.unchecked.join(', ')} never finished: changes made after it could not be told apart from its own`,
    );
  return lines.join('\n');
}

/**
 * What the model is told with the next message after files it changed were put
 * back without its conversation going back too (an undo, a rewind of files):
 * otherwise it would go on from edits that are no longer there.
 */
export function restoreNoteForModel(outcome: RestoreOutcome): string | undefined {
  if (outcome.status !== 'restored' || outcome.restored.length + outcome.deleted.length === 0)
    return undefined;
  const turns =
    outcome.turns.length === 1 ? 'your last request' : `your last ${outcome.turns.length} requests`;
  const parts = [`[The user undid the file changes of ${turns}.`];
  if (outcome.restored.length > 0)
    parts.push(`Put back as they were before: ${outcome.restored.join(', ')}.`);
  if (outcome.deleted.length > 0)
    parts.push(`Removed (they had been created then): ${outcome.deleted.join(', ')}.`);
  parts.push('Read these files again before relying on their content.]');
  return parts.join(' ');
}

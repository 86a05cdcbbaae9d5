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

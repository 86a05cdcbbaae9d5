import type { EventSink } from '../core/events.js';
import type { ConversationState } from '../orchestrator/session.js';
import type { Operation } from '../runtime/protocol.js';
import { restoreNoteForModel } from './describe.js';
import type { TurnCheckpoints } from './turn-checkpoints.js';

export type RestoreOperation = Extract<Operation, { type: 'undo' | 'rewind' }>;

/** What a rewind of the conversation needs of the session. */
export interface RewindableConversation {
  rewind(to: ConversationState): void;
  /** Tells the model, with the next message, what changed under it. */
  note(text: string): void;
}

/**
 * Runs an undo or rewind between turns. Files first: when they conflict,
 * nothing happens (the conversation stays too), and the `restore` event says
 * why. The conversation goes back to how it was when the chosen turn began,
 * as this process saw it or the session's file recorded it.
 */
export async function runRestore(
  op: RestoreOperation,
  checkpoints: TurnCheckpoints | undefined,
  conversation: RewindableConversation,
  turnStarts: Map<number, ConversationState>,
  emit: EventSink,
  /** Asks the user whether to overwrite conflicting files anyway (interactive sessions). */
  confirm?: (title: string, detail: string) => Promise<boolean>,
): Promise<void> {
  const files = op.type === 'undo' || op.scope !== 'conversation';
  const rewindsConversation = op.type === 'rewind' && op.scope !== 'files';
  if (files) {
    if (!checkpoints) {
      emit({ type: 'notice', message: 'checkpoints are off in this session: nothing to undo' });
      return;
    }
    const scope = op.type === 'undo' ? { count: op.turns ?? 1 } : { fromTurn: op.turn };
    try {
      let outcome = await checkpoints.undo(scope, op.force ?? false);
      emit({ type: 'restore', action: op.type, ...outcome });
      if (outcome.status === 'conflict') {
        const overwrite = await confirm?.(
          `${op.type} anyway, overwriting changes made since the turn?`,
          outcome.conflicts.join('\n'),
        );
        if (!overwrite) {
          emit({ type: 'notice', message: `${op.type} cancelled: nothing was changed` });
          return;
        }
        outcome = await checkpoints.undo(scope, true);
        emit({ type: 'restore', action: op.type, ...outcome });
      }
      // The conversation stays as it is: the model must hear that its changes are gone.
      const note = restoreNoteForModel(outcome);
      if (note && !rewindsConversation) conversation.note(note);
    } catch (error) {
      emit({
        type: 'error',
        message: `${op.type} failed: ${error instanceof Error ? error.message : String(error)}`,
      });
      return;
    }
  }
  if (!rewindsConversation) return;
  const start = turnStarts.get(op.turn);
  if (!start) {
    emit({
      type: 'notice',
      message: `the conversation as turn ${op.turn} began was not recorded (a session of an older version): ${files ? 'only its files went back' : 'the conversation stays'}`,
    });
    return;
  }
  conversation.rewind(start);
  for (const turn of turnStarts.keys()) if (turn >= op.turn) turnStarts.delete(turn);
  emit({ type: 'rewound', turn: op.turn });
}

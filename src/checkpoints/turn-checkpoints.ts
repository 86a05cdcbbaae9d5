import { debugLog } from '../core/debug-log.js';
import type { EventSink } from '../core/events.js';
import { repositorySessions, sessionIds } from '../sessions/store.js';
import { CheckpointStore } from './checkpoint-store.js';
import { undoTurns, type RestoreOutcome, type UndoScope } from './restore.js';

/**
 * A session's checkpoints as its turns run. A turn's snapshot is taken lazily,
 * before its first call that can change files (never for a turn that only
 * reads), and its end state once the turn is over, which is what tells the
 * user's own later changes apart. The shadow repository is opened on first use.
 * A failing checkpoint is announced and costs only that undo, never the turn.
 */
export class TurnCheckpoints {
  private store: Promise<CheckpointStore> | undefined;
  private turn = 0;
  private message = '';
  private before: Promise<boolean> | undefined;
  /** The nested repositories the turn's first snapshot saw: one that appears after it was made by the turn. */
  private nestedBefore = new Set<string>();
  private tidied = false;
  /** A resumed session numbers its turns on from its checkpoints and its recorded turns. */
  private numbered: boolean;

  /** `resumedAfter`: the last turn the resumed session's file records. */
  constructor(
    private readonly root: string,
    private readonly session: string,
    private readonly emit: EventSink,
    private readonly resumedAfter: number | undefined,
  ) {
    this.turn = resumedAfter ?? 0;
    this.numbered = resumedAfter === undefined;
  }

  /** A user message starts turn N; returns N. */
  async begin(text: string): Promise<number> {
    if (!this.numbered) {
      this.numbered = true;
      // Like the process that ran them, never reuse a number (turns that changed nothing have no checkpoint).
      this.turn = await this.opened()
        .then((store) => store.lastTurn(this.session))
        .then(
          (last) => Math.max(last, this.turn),
          () => this.turn,
        );
    }
    this.turn++;
    this.message = text.trim().split('\n', 1)[0] ?? '';
    this.before = undefined;
    return this.turn;
  }

  /** Called before every call that may change files: the first of the turn takes the snapshot. */
  readonly beforeChange = async (): Promise<void> => {
    this.before ??= this.record('before');
    await this.before;
  };

  /** The turn is over: its end state is recorded if it changed anything. */
  async end(): Promise<void> {
    if (this.before && (await this.before)) {
      await this.record('after');
      this.tidy();
    }
    this.before = undefined;
  }

  /**
   * Once per process, after its first checkpoint (never on the start path):
   * the checkpoints of sessions that no longer exist go, with their objects.
   */
  private tidy(): void {
    if (this.tidied) return;
    this.tidied = true;
    const keep = sessionIds(repositorySessions(this.root)).add(this.session);
    void this.opened()
      .then((store) => store.forgetAllBut(keep))
      .catch((error: unknown) => debugLog.swallowed('checkpoints: forgetting removed sessions', error));
  }

  undo(scope: UndoScope, force: boolean): Promise<RestoreOutcome> {
    return this.opened().then((store) => undoTurns(store, this.session, scope, force));
  }

  private async record(phase: 'before' | 'after'): Promise<boolean> {
    const turn = this.turn;
    try {
      const snapshot = await (await this.opened()).record(this.session, turn, phase, this.message);
      const nested = snapshot.uncovered.filter((e) => e.reason === 'nested repository').map((e) => e.path);
      if (phase === 'before') {
        this.emit({ type: 'checkpoint', turn, uncovered: snapshot.uncovered });
        this.nestedBefore = new Set(nested);
      } else {
        this.reportNewRepositories(turn, nested);
      }
      return true;
    } catch (error) {
      this.emit({
        type: 'notice',
        message: `No checkpoint for turn ${turn} (${phase} its changes); /undo cannot restore it: ${error instanceof Error ? error.message : String(error)}`,
      });
      return false;
    }
  }

  /**
   * A repository made during the turn (by a command: `.git` is read-only in the sandbox only where
   * it already existed) is neither covered by undo nor protected: its hooks and config would run at
   * the user's next git command inside it.
   */
  private reportNewRepositories(turn: number, nested: string[]): void {
    const made = nested.filter((dir) => !this.nestedBefore.has(dir));
    if (made.length === 0) return;
    this.emit({
      type: 'notice',
      message:
        `warning: turn ${turn} created a git repository in ${made.map((dir) => `${dir}/`).join(', ')}; undo leaves it ` +
        'in place, and its hooks and config would run at your next git command there: check them or delete it',
    });
  }

  private opened(): Promise<CheckpointStore> {
    this.store ??= CheckpointStore.open(this.root);
    // A store that failed to open is tried again next time (a state directory made writable meanwhile).
    this.store.catch(() => (this.store = undefined));
    return this.store;
  }
}

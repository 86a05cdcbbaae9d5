import path from 'node:path';
import { removeEntryConfined, restoreEntryConfined } from '../fs/confined.js';
import type { Checkpoint, CheckpointStore } from './checkpoint-store.js';
import { takeSnapshot, uncoveredPaths } from './snapshot.js';
import { treeChanges } from './tree-diff.js';

/** What an undo or rewind of files did, or would have done. */
export interface RestoreOutcome {
  /**
   * restored: the files are as before the first undone turn; conflict: nothing
   * was changed because files changed by hand would be overwritten; nothing:
   * no checkpoint to go back to.
   */
  status: 'restored' | 'conflict' | 'nothing';
  /** The turns undone (or that would have been), oldest first. */
  turns: number[];
  /** Files written back as they were. */
  restored: string[];
  /** Files the undone turns created, removed. */
  deleted: string[];
  /** Files changed outside the undone turns that the undo would overwrite or delete. */
  conflicts: string[];
  /** Files that could not be restored, with why. */
  failed: { path: string; error: string }[];
  /** Files no checkpoint holds (too large, not regular files): left as they are. */
  uncovered: string[];
  /** Undone turns that never recorded their end (a killed session): changes after them could not be checked. */
  unchecked: number[];
}

/** Which turns to take back: the last `count` checkpointed ones, or every one from `fromTurn` on. */
export type UndoScope = { count: number } | { fromTurn: number };

/**
 * Puts the workspace's files back as they were before the chosen turns. A
 * file changed by anyone but the undone turns since the first of them (the
 * user between turns or after the last) is a conflict: without `force`
 * nothing is touched and the conflicts are named. Each file is written
 * atomically; the undone turns' checkpoints are dropped, so the next undo goes
 * further back.
 */
export async function undoTurns(
  store: CheckpointStore,
  session: string,
  scope: UndoScope,
  force: boolean,
): Promise<RestoreOutcome> {
  const { repo } = store;
  return repo.locked(async () => {
    const all = await store.list(session);
    const undone = 'count' in scope ? all.slice(-scope.count) : all.filter((c) => c.turn >= scope.fromTurn);
    const outcome: RestoreOutcome = {
      status: 'nothing',
      turns: undone.map((c) => c.turn),
      restored: [],
      deleted: [],
      conflicts: [],
      failed: [],
      uncovered: [],
      unchecked: undone.filter((c) => !c.after).map((c) => c.turn),
    };
    if (undone.length === 0) return outcome;
    const now = await takeSnapshot(repo);
    outcome.uncovered = uncoveredPaths(now, undone[0]!);
    const skipped = new Set(outcome.uncovered);
    const changes = (await treeChanges(repo, undone[0]!.before, now.tree)).filter(
      (change) => !skipped.has(change.path),
    );
    const byHand = await changedOutsideTurns(store, undone, now.tree);
    outcome.conflicts = changes.map((change) => change.path).filter((file) => byHand.has(file));
    if (outcome.conflicts.length > 0 && !force) {
      outcome.status = 'conflict';
      return outcome;
    }
    // Deletions first: a path the turn turned from a directory into a file (or back) is free again.
    for (const change of changes.filter((c) => c.before === undefined)) {
      await apply(outcome, change.path, async () => {
        if (await removeEntryConfined(repo.root, path.join(repo.root, change.path)))
          outcome.deleted.push(change.path);
      });
    }
    for (const change of changes) {
      const before = change.before;
      if (!before || before.mode === '160000') continue; // a submodule's commit is not a file to write
      await apply(outcome, change.path, async () => {
        const content = await repo.blob(before.sha);
        await restoreEntryConfined(
          repo.root,
          path.join(repo.root, change.path),
          before.mode === '120000'
            ? { kind: 'symlink', target: content.toString('utf8') }
            : { kind: 'file', content, executable: before.mode === '100755' },
        );
        outcome.restored.push(change.path);
      });
    }
    await store.drop(
      session,
      undone.map((c) => c.turn),
    );
    outcome.status = 'restored';
    return outcome;
  });
}

async function apply(outcome: RestoreOutcome, file: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    outcome.failed.push({ path: file, error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Files changed while none of the undone turns ran: between one turn's end
 * and the next one's first change, and since the last one's end.
 */
async function changedOutsideTurns(
  store: CheckpointStore,
  undone: Checkpoint[],
  now: string,
): Promise<Set<string>> {
  const changed = new Set<string>();
  for (const [i, checkpoint] of undone.entries()) {
    if (!checkpoint.after) continue;
    const next = undone[i + 1]?.before ?? now;
    for (const change of await treeChanges(store.repo, checkpoint.after, next)) changed.add(change.path);
  }
  return changed;
}

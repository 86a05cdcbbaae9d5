import { isBinary } from '../fs/visibility/binary.js';
import { unifiedDiff } from '../../tools/file-diff.js';
import { CheckpointStore } from './checkpoint-store.js';
import { uncoveredPaths } from './snapshot.js';
import { treeChanges } from './tree-diff.js';

/** What a session changed: a unified diff, and the files no checkpoint covers. */
export interface SessionChanges {
  /** '' when nothing changed (or the session never changed a file). */
  diff: string;
  uncovered: string[];
}

/**
 * The workspace now against the session's first checkpoint (the files before
 * its first change), whoever changed them since: one unified diff of whole
 * files, built with the `diff` package. Binary files are named, not shown.
 */
export async function sessionChanges(root: string, session: string): Promise<SessionChanges> {
  const store = await CheckpointStore.open(root);
  const first = (await store.list(session))[0];
  if (!first) return { diff: '', uncovered: [] };
  const now = await store.snapshot();
  const parts: string[] = [];
  for (const change of await treeChanges(store.repo, first.before, now.tree)) {
    if (change.before?.mode === '160000' || change.after?.mode === '160000') continue;
    const before = change.before ? await store.repo.blob(change.before.sha) : Buffer.alloc(0);
    const after = change.after ? await store.repo.blob(change.after.sha) : Buffer.alloc(0);
    parts.push(
      isBinary(before) || isBinary(after)
        ? `Binary file ${change.path} differs\n`
        : unifiedDiff(change.path, before.toString('utf8'), after.toString('utf8'), {
            before: change.before !== undefined,
            after: change.after !== undefined,
          }),
    );
  }
  return { diff: parts.join(''), uncovered: uncoveredPaths(first, now) };
}

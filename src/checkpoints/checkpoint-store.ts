import { existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openShadowRepo, type ShadowRepo } from './shadow-repo.js';
import { takeSnapshot, type Uncovered, type Snapshot } from './snapshot.js';

/** One turn's checkpoint: the workspace before its first change and, once it ended, after it. */
export interface Checkpoint {
  turn: number;
  /** The user's message that started the turn, its first line. */
  message: string;
  /** Commits of the shadow repository. */
  before: string;
  /** Missing when the turn never ended (killed): changes after it cannot be told apart from the turn's. */
  after?: string;
  uncovered: Uncovered[];
}

type Phase = 'before' | 'after';

interface CommitNote {
  message: string;
  uncovered: Uncovered[];
}

/**
 * The checkpoints of every session in one workspace, as refs of the shadow
 * repository: refs/checkpoints/<session>/<turn>/before and /after. Refs, not
 * memory: they outlive the process (a killed session is still undoable) and
 * serve --resume and `agent undo` alike.
 */
export class CheckpointStore {
  private constructor(readonly repo: ShadowRepo) {}

  static async open(workspaceRoot: string): Promise<CheckpointStore> {
    // The real path: the same workspace reached through a symlink has the same checkpoints.
    return new CheckpointStore(await openShadowRepo(realpathSync(workspaceRoot)));
  }

  /** The workspace now, under the repository's lock. */
  snapshot(): Promise<Snapshot> {
    return this.repo.locked(() => takeSnapshot(this.repo));
  }

  /** Takes a snapshot and keeps it as the turn's `phase`. */
  async record(session: string, turn: number, phase: Phase, message: string): Promise<Snapshot> {
    return this.repo.locked(async () => {
      const snapshot = await takeSnapshot(this.repo);
      const note: CommitNote = { message, uncovered: snapshot.uncovered };
      const commit = (await this.repo.run(['commit-tree', snapshot.tree, '-m', JSON.stringify(note)])).trim();
      await this.repo.run(['update-ref', refOf(session, turn, phase), commit]);
      return snapshot;
    });
  }

  /** The session's checkpoints, oldest turn first. */
  async list(session: string): Promise<Checkpoint[]> {
    const out = await this.repo.run([
      'for-each-ref',
      '--format=%(refname)%00%(objectname)%00%(contents:subject)',
      `refs/checkpoints/${session}/`,
    ]);
    const turns = new Map<number, Partial<Checkpoint>>();
    for (const line of out.split('\n').filter(Boolean)) {
      const [ref, commit, subject] = line.split('\0') as [string, string, string];
      const match = /\/(\d+)\/(before|after)$/.exec(ref);
      if (!match) continue;
      const turn = Number(match[1]);
      const entry = turns.get(turn) ?? { turn };
      entry[match[2] as Phase] = commit;
      if (match[2] === 'before') {
        const note = parseNote(subject);
        entry.message = note.message;
        entry.uncovered = note.uncovered;
      }
      turns.set(turn, entry);
    }
    return [...turns.values()]
      .filter((entry): entry is Checkpoint => entry.before !== undefined)
      .sort((a, b) => a.turn - b.turn);
  }

  /** The last turn number the session has checkpoints for (0 without any). */
  async lastTurn(session: string): Promise<number> {
    return (await this.list(session)).at(-1)?.turn ?? 0;
  }

  /**
   * Forgets the checkpoints of every session not in `keep` (removed with
   * `sessions rm`, or pruned for age) and deletes the objects only they held,
   * so the shadow repository does not grow for ever. Returns how many sessions went.
   */
  async forgetAllBut(keep: ReadonlySet<string>): Promise<number> {
    return this.repo.locked(async () => {
      const refs = (await this.repo.run(['for-each-ref', '--format=%(refname)', 'refs/checkpoints/']))
        .split('\n')
        .filter(Boolean);
      const gone = refs.filter((ref) => !keep.has(ref.split('/')[2] ?? ''));
      for (const ref of gone) await this.repo.run(['update-ref', '-d', ref]);
      const marker = path.join(this.repo.gitDir, PRUNE_WANTED);
      if (gone.length === 0 && !existsSync(marker)) return 0;
      // Loose objects no ref or the shadow index reaches any more (snapshots are never packed).
      await this.repo.run(['prune', '--expire=now']);
      rmSync(marker, { force: true });
      return new Set(gone.map((ref) => ref.split('/')[2])).size;
    });
  }

  /** Forgets turns that were undone: the next undo goes further back. */
  async drop(session: string, turns: number[]): Promise<void> {
    for (const turn of turns)
      for (const phase of ['after', 'before'] as const)
        await this.repo.run(['update-ref', '-d', refOf(session, turn, phase)]);
    // Their objects go at the next tidy-up (forgetAllBut), off the undo's path.
    writeFileSync(path.join(this.repo.gitDir, PRUNE_WANTED), '');
  }
}

/** Marks a shadow repository that holds objects of dropped checkpoints. */
const PRUNE_WANTED = 'agent-prune-wanted';

function refOf(session: string, turn: number, phase: Phase): string {
  return `refs/checkpoints/${session}/${turn}/${phase}`;
}

function parseNote(subject: string): CommitNote {
  try {
    return JSON.parse(subject) as CommitNote;
  } catch {
    return { message: '', uncovered: [] };
  }
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CheckpointStore } from '../src/checkpoints/checkpoint-store.js';
import { undoTurns } from '../src/checkpoints/restore.js';
import { median, type BenchSection } from './report.js';
import { generateRepository } from './retrieval.js';

const FILES = 20_000;
const TURNS = 15;
const SESSION = 'bench';

/**
 * Checkpoints on the retrieval bench's 20,000-file repository: the first,
 * full snapshot; then per turn, one file changed, the turn's checkpoints as a
 * session takes them (before its first change and after it); and undoing one
 * turn.
 */
export async function run(): Promise<BenchSection> {
  const root = mkdtempSync(path.join(tmpdir(), 'agent-bench-ckpt-'));
  const state = mkdtempSync(path.join(tmpdir(), 'agent-bench-ckpt-state-'));
  const previousState = process.env.XDG_STATE_HOME;
  process.env.XDG_STATE_HOME = state;
  try {
    generateRepository(root, FILES);
    let start = performance.now();
    const store = await CheckpointStore.open(root);
    await store.record(SESSION, 0, 'before', 'first');
    const full = performance.now() - start;

    const snapshots: number[] = [];
    const perTurn: number[] = [];
    for (let turn = 1; turn <= TURNS; turn++) {
      start = performance.now();
      await store.record(SESSION, turn, 'before', `turn ${turn}`);
      const before = performance.now() - start;
      writeFileSync(path.join(root, 'pkg000', `module${turn % 3}.ts`), `export const turn = ${turn};\n`);
      start = performance.now();
      await store.record(SESSION, turn, 'after', `turn ${turn}`);
      const after = performance.now() - start;
      snapshots.push(before, after);
      perTurn.push(before + after);
    }

    start = performance.now();
    const undone = await undoTurns(store, SESSION, { count: 1 }, false);
    const undo = performance.now() - start;
    if (undone.status !== 'restored') throw new Error(`undo ended as ${undone.status}`);
    return {
      title: `Checkpoints (${FILES.toLocaleString('en')}-file repository, one file changed per turn)`,
      figures: [
        { name: 'first snapshot (full)', value: full, unit: 'ms' },
        {
          name: 'checkpoint (one snapshot), median',
          value: median(snapshots),
          unit: 'ms',
          target: '< 100 ms',
          pass: median(snapshots) < 100,
        },
        { name: 'turn that changes files (before + after), median', value: median(perTurn), unit: 'ms' },
        { name: 'undo one turn', value: undo, unit: 'ms' },
      ],
      notes: [`${TURNS} turns; a turn that only reads takes no snapshot`],
    };
  } finally {
    if (previousState === undefined) delete process.env.XDG_STATE_HOME;
    else process.env.XDG_STATE_HOME = previousState;
    rmSync(root, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  }
}

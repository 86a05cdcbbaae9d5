import type { BenchSection } from './report.js';

/** `npm run bench`: every section's figures, each against its target where it has one. */
const sections: [string, () => Promise<{ run(): Promise<BenchSection> }>][] = [
  ['startup', () => import('./startup.js')],
  ['overhead', () => import('./overhead.js')],
  ['edit-accuracy', () => import('./edit-accuracy.js')],
  ['tools', () => import('./tools.js')],
  ['sandbox', () => import('./sandbox.js')],
  ['retrieval', () => import('./retrieval.js')],
  ['compaction', () => import('./compaction.js')],
  ['router', () => import('./router.js')],
  ['checkpoints', () => import('./checkpoints.js')],
  ['tui', () => import('./tui.js')],
  ['interactive', () => import('./interactive.js')],
];

const only = process.argv.slice(2);
let failed = 0;
for (const [name, load] of sections) {
  if (only.length && !only.includes(name)) continue;
  try {
    print(await (await load()).run());
  } catch (error) {
    failed++;
    console.log(`\n## ${name}\n  failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
process.exitCode = failed ? 1 : 0;

function print(section: BenchSection): void {
  console.log(`\n## ${section.title}`);
  const width = Math.max(...section.figures.map((f) => f.name.length));
  for (const f of section.figures) {
    const value = Number.isInteger(f.value) ? String(f.value) : f.value.toFixed(f.value < 10 ? 2 : 1);
    const verdict = f.pass === undefined ? '' : f.pass ? '  ok' : '  MISSED';
    console.log(
      `  ${f.name.padEnd(width)}  ${`${value} ${f.unit}`.padStart(12)}${f.target ? `   target ${f.target}` : ''}${verdict}`,
    );
  }
  for (const note of section.notes ?? []) console.log(`  note: ${note}`);
}

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * What a hostile process sharing the workspace does: swaps each named link in
 * `root` between its targets, round after round, as fast as it can (atomic
 * renames, so the path always exists). Resolves once the first round is done;
 * the caller kills the process.
 */
export async function startFlipper(root: string, links: Record<string, string[]>): Promise<ChildProcess> {
  const script = `
    const fs = require('fs'); const path = require('path');
    const [root, links] = [process.argv[1], JSON.parse(process.argv[2])];
    const swap = (name, target) => { const tmp = path.join(root, '.' + path.basename(name) + Math.random()); fs.symlinkSync(target, tmp); fs.renameSync(tmp, path.join(root, name)); };
    const rounds = Math.max(...Object.values(links).map((targets) => targets.length));
    for (let round = 0; ; round++) {
      for (const [name, targets] of Object.entries(links)) swap(name, targets[round % targets.length]);
      if (round === rounds - 1) process.stdout.write('ready\\n');
    }`;
  const flipper = spawn(process.execPath, ['-e', script, root, JSON.stringify(links)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await once(flipper.stdout!, 'data');
  return flipper;
}

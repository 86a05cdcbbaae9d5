import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's root (where package.json, prompts/ and sandbox/
 * live). Found by walking up, so it works from dist/ and from sources under test.
 */
export const packageRoot: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'prompts'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('agent: cannot locate the package root (package.json with prompts/)');
    dir = parent;
  }
  return dir;
})();

import { realpathSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';

/** Whether `absolute` lies inside `root` (or is it), judged on the strings alone. */
export function isInside(root: string, absolute: string): boolean {
  const rel = path.relative(root, absolute);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** realpath of the path, or of its deepest existing ancestor joined with the rest (for paths not created yet). */
export function realOfNearestExisting(absolute: string): string {
  let current = path.resolve(absolute);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(current), ...rest);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(absolute);
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}

/** Whether anything, a dangling symlink included, is at that path (lstat: never follows, never blocks). */
export function pathExists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

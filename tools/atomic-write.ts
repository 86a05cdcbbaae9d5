import { randomBytes } from 'node:crypto';
import { chmod, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Readers never see a half-written file: write a fresh sibling temp file, then rename it over the target.
 * An existing target keeps its permission bits; the temp file is removed if anything fails.
 */
export async function writeFileAtomically(target: string, content: string | Buffer): Promise<void> {
  const mode = await stat(target).then(
    (info) => info.mode & 0o7777,
    () => null,
  );
  const temporary = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temporary, content, { flag: 'wx' });
    if (mode !== null) await chmod(temporary, mode);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

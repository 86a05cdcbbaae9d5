import { unlinkSync } from 'node:fs';
import { tryFileLock, type HeldLock } from '../core/file-lock.js';

/**
 * A session file has one writer: two agents appending to it (the same session
 * resumed in two terminals) would interleave their turns into a conversation
 * neither had. The running agent holds `<file>.lock` with its pid; a killed
 * one leaves a lock whose process is gone, which the next claim takes over.
 */
export class SessionInUseError extends Error {
  override name = 'SessionInUseError';
}

const lockOf = (file: string) => `${file}.lock`;

/** Claims the session recorded in `file` for this process, until `release` or its exit. */
export async function claimSession(file: string, id: string): Promise<HeldLock> {
  const attempt = await tryFileLock(lockOf(file));
  if ('holder' in attempt) throw inUse(id, attempt.holder);
  // An exit without the session ending (a fatal error) frees it too; a SIGKILL leaves it stale.
  const onExit = () => {
    try {
      unlinkSync(lockOf(file));
    } catch {
      // already released
    }
  };
  process.once('exit', onExit);
  return {
    release: async () => {
      process.removeListener('exit', onExit);
      await attempt.release();
    },
  };
}

/** Throws if a live agent holds the session (for changes made from outside it, such as `sessions rm`). */
export async function assertSessionIdle(file: string, id: string): Promise<void> {
  const attempt = await tryFileLock(lockOf(file));
  if ('holder' in attempt) throw inUse(id, attempt.holder);
  await attempt.release();
}

function inUse(id: string, pid: number): SessionInUseError {
  return new SessionInUseError(
    `session ${id.slice(0, 8)} is open in another agent (pid ${pid}); end it there first, or start a new session`,
  );
}

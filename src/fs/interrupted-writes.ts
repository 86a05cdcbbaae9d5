import { rm } from 'node:fs/promises';
import { isProcessAlive } from '../core/process-alive.js';
import { removeTemporaryConfined } from './confined.js';
import { pendingWrites } from './write-journal.js';
import { debugLog } from '../core/debug-log.js';

/**
 * Removes the temporary files of writes whose process died before finishing
 * them (killed, or the machine went down), as the write journal lists them.
 * Called once at start-up. Writes of live processes (another session) are left
 * alone; a temporary file is removed only where the record says, only if it
 * still carries the temporary-file name and is a regular file in a directory
 * inside the recorded root.
 */
export async function cleanUpInterruptedWrites(): Promise<void> {
  for (const pending of await pendingWrites()) {
    if (isProcessAlive(pending.pid)) continue;
    // Best effort: whatever cannot be removed now stays for the user, and its record goes.
    await removeTemporaryConfined(pending.root, pending.path).catch((error: unknown) =>
      debugLog.swallowed('interrupted writes: removing a temporary file', error),
    );
    await rm(pending.record, { force: true }).catch((error: unknown) =>
      debugLog.swallowed('interrupted writes: removing a record', error),
    );
  }
}

import { readdir, readFile } from 'node:fs/promises';

/**
 * The variable every host command carries (its value names the command).
 * Descendants inherit it, even ones that leave the process group, so it finds
 * a command's whole tree. (In the Docker sandbox the container boundary does
 * this job: everything but the resident processes belongs to the command.)
 */
export const EXEC_MARKER = 'AGENT_EXEC_ID';

/**
 * Kill rounds, a short pause apart: processes may fork while they are being
 * killed, and a killed process is gone only once the kernel has run its exit
 * (on a busy machine, a moment after kill() returns).
 */
const ROUNDS = 50;
const ROUND_PAUSE_MS = 20;

/**
 * Pids of this machine's processes that carry the command's marker in their
 * environment: all its descendants, including ones that left its process
 * group (setsid). Empty where there is no /proc (not Linux).
 */
export async function markedProcesses(execId: string): Promise<number[]> {
  const marker = `${EXEC_MARKER}=${execId}\0`;
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const pids = entries.filter((name) => /^\d+$/.test(name)).map(Number);
  const marked = await Promise.all(
    pids.map(async (pid) => {
      // Gone, or another user's: either way not ours to kill.
      const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
      return environ.includes(marker) ? pid : undefined;
    }),
  );
  return marked.filter((pid) => pid !== undefined && pid !== process.pid) as number[];
}

/** SIGKILLs every process carrying the marker, and returns once none is left (or the rounds run out). */
export async function killMarked(execId: string): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const pids = await markedProcesses(execId);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, ROUND_PAUSE_MS));
  }
}

/** Set by bin/agent's hand-over wrapper (an old Node started it): the pid of that wrapper. */
const PARENT_PID = 'AGENT_PARENT_PID';

const POLL_MS = 200;

/**
 * Under the hand-over wrapper, the agent stops as on SIGTERM once the wrapper
 * is gone, however it ended (SIGKILL included): the user who killed the
 * wrapper meant to stop the agent. Orphaned, the agent gets a new parent pid.
 */
export function watchParent(): void {
  const parent = Number(process.env[PARENT_PID]);
  delete process.env[PARENT_PID];
  if (!Number.isInteger(parent) || parent <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, POLL_MS);
  timer.unref();
}

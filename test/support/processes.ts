import { readFileSync } from 'node:fs';

/** Alive and not a zombie waiting to be reaped (PID 1 in a container may never reap it). */
export function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until condition holds (10 s at most); processes need a moment after being signalled. */
export async function waitFor(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
  return condition();
}

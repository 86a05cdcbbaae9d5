import { useEffect, useState } from 'react';

const INTERVAL_MS = 100;

/**
 * The clock for spinners and elapsed times. It runs only while `active` (a turn
 * is running): an idle prompt has no timer at all, so it costs no CPU and
 * redraws nothing. Returns undefined while inactive.
 */
export function useTicker(active: boolean): { now: number; frame: number } | undefined {
  const [tick, setTick] = useState({ now: Date.now(), frame: 0 });
  useEffect(() => {
    if (!active) return;
    setTick({ now: Date.now(), frame: 0 });
    const timer = setInterval(() => setTick((t) => ({ now: Date.now(), frame: t.frame + 1 })), INTERVAL_MS);
    return () => clearInterval(timer);
  }, [active]);
  return active ? tick : undefined;
}

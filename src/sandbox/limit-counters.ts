import type Docker from 'dockerode';
import { dockerExec } from './docker-exec.js';

/** How often the container's cgroup has hit its memory (OOM kills) and process limits. */
export interface LimitCounters {
  oomKills: number;
  pidsRefusals: number;
}

// cgroup v2 puts the container's own cgroup at the root; cgroup v1 has one directory per controller.
const MEMORY_FILES = ['/sys/fs/cgroup/memory.events', '/sys/fs/cgroup/memory/memory.oom_control'];
const PIDS_FILES = ['/sys/fs/cgroup/pids.events', '/sys/fs/cgroup/pids/pids.events'];

export async function readLimitCounters(container: Docker.Container): Promise<LimitCounters> {
  const { output } = await dockerExec(container, ['grep', '-sH', '', ...MEMORY_FILES, ...PIDS_FILES]);
  return parseLimitCounters(output);
}

/** Parses `grep -H` output: lines of "file:key value". */
export function parseLimitCounters(output: string): LimitCounters {
  const counters: LimitCounters = { oomKills: 0, pidsRefusals: 0 };
  for (const line of output.split('\n')) {
    const match = /^([^:]+):(\S+) (\d+)$/.exec(line);
    if (!match) continue;
    const [, file, key, value] = match;
    if (MEMORY_FILES.includes(file!) && key === 'oom_kill') counters.oomKills = Number(value);
    if (PIDS_FILES.includes(file!) && key === 'max') counters.pidsRefusals = Number(value);
  }
  return counters;
}

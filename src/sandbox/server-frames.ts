import type { LimitCounters } from './limit-counters.js';
import { isResidentSet } from './process-tree.js';

/** What the command server may say (see exec-server-script.ts); anything else is malformed. */
export type ServerFrame =
  | { kind: 'ready'; resident: number[] }
  | { kind: 'data'; id: string; data: string }
  | { kind: 'exit'; id: string; exitCode: number | null; counters: LimitCounters };

/** Parses and checks one line of the server's output: shape and types; undefined when malformed. */
export function parseFrame(line: string): ServerFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const frame = value as Record<string, unknown>;
  const keys = Object.keys(frame).sort().join(',');
  if (keys === 'ready,resident' && frame.ready === true && isResidentSet(frame.resident))
    return { kind: 'ready', resident: frame.resident };
  if (typeof frame.id !== 'string') return undefined;
  if (keys === 'data,id' && typeof frame.data === 'string')
    return { kind: 'data', id: frame.id, data: frame.data };
  if (
    keys === 'exit,id,oom,pids,signal' &&
    (frame.exit === null || isCount(frame.exit)) &&
    (frame.signal === null || typeof frame.signal === 'string') &&
    isCount(frame.oom) &&
    isCount(frame.pids)
  )
    return {
      kind: 'exit',
      id: frame.id,
      exitCode: frame.exit,
      counters: { oomKills: frame.oom, pidsRefusals: frame.pids },
    };
  return undefined;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

import type { ToolCall } from '../core/messages.js';

/** How many identical calls in a row count as a loop; the last of them is not run. */
export const LOOP_THRESHOLD = 3;

/**
 * Spots a model calling the same tool with the same arguments over and over.
 * Arguments are compared after JSON normalisation so key order and spacing
 * do not hide a repeat.
 */
export class LoopDetector {
  private lastSignature = '';
  private repeats = 0;

  /** Records the call; returns a message for the model when it is a loop. */
  check(call: ToolCall): string | null {
    const signature = `${call.name}\u0000${normalise(call.arguments)}`;
    this.repeats = signature === this.lastSignature ? this.repeats + 1 : 1;
    this.lastSignature = signature;
    if (this.repeats < LOOP_THRESHOLD) return null;
    return (
      `Loop detected: this is the ${ordinal(this.repeats)} identical ${call.name} call in a row with the same arguments, ` +
      `so it was not run again; the result would not change. Step back and try a different approach ` +
      `(other arguments, another tool, or re-read the relevant code).`
    );
  }
}

function normalise(args: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(args)));
  } catch {
    return args.trim();
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

function ordinal(n: number): string {
  return n === 3 ? 'third' : `${n}th`;
}

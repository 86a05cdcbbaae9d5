import type { ToolCall, ToolResultMessage } from '../core/messages.js';
import type { EventSink } from '../core/events.js';
import type { ToolRegistry } from '../../tools/registry.js';
import type { ToolContext, ToolResult } from '../../tools/tool.js';
import { LiveOutput } from './live-output.js';
import { LoopDetector } from './loop-detector.js';

/** The context a call runs in; its live output goes to `onOutput`. */
export type ToolContextFactory = (call: ToolCall, onOutput: (chunk: string) => void) => ToolContext;

/**
 * Read-only calls of one turn that run at once. A model may ask for hundreds
 * (300 searches, each an rg process); more than a few gain nothing.
 */
const MAX_CONCURRENT_CALLS = 8;

/**
 * Runs the tool calls of one model turn. Consecutive read-only calls run
 * concurrently (a bounded number at a time); anything that may change state runs alone, in order. Every
 * call gets exactly one result, in the order the model asked, also when it
 * was interrupted: providers reject a history with an unanswered call.
 */
export class ToolExecutor {
  private readonly loops = new LoopDetector();

  constructor(
    private readonly registry: ToolRegistry,
    private readonly contextFor: ToolContextFactory,
    private readonly emit: EventSink,
  ) {}

  async run(calls: ToolCall[], signal: AbortSignal): Promise<ToolResultMessage[]> {
    const results: ToolResultMessage[] = [];
    for (const batch of this.batches(calls)) {
      results.push(...(await mapBounded(batch, MAX_CONCURRENT_CALLS, (call) => this.runOne(call, signal))));
    }
    return results;
  }

  private batches(calls: ToolCall[]): ToolCall[][] {
    const batches: ToolCall[][] = [];
    for (const call of calls) {
      const last = batches.at(-1);
      const concurrent = this.registry.isReadOnly(call.name);
      if (last && concurrent && last.every((c) => this.registry.isReadOnly(c.name))) last.push(call);
      else batches.push([call]);
    }
    return batches;
  }

  private async runOne(call: ToolCall, signal: AbortSignal): Promise<ToolResultMessage> {
    const started = performance.now();
    this.emit({ type: 'tool_call_start', id: call.id, name: call.name, arguments: call.arguments });
    const live = new LiveOutput(call.id, this.emit);
    const result = await this.execute(call, signal, live.push);
    live.flush();
    this.emit({
      type: 'tool_call_end',
      id: call.id,
      name: call.name,
      is_error: result.isError,
      output: result.output,
      duration_ms: Math.round(performance.now() - started),
    });
    return {
      role: 'tool',
      toolCallId: call.id,
      name: call.name,
      content: result.output,
      isError: result.isError,
    };
  }

  private async execute(
    call: ToolCall,
    signal: AbortSignal,
    onOutput: (chunk: string) => void,
  ): Promise<ToolResult> {
    if (signal.aborted)
      return { output: `${call.name} was not run: the session was interrupted.`, isError: true };
    const loop = this.loops.check(call);
    if (loop) return { output: loop, isError: true };
    return this.registry.invoke(call, this.contextFor(call, onOutput));
  }
}

/** fn over items with at most `limit` running at once; results in the order of items. */
async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

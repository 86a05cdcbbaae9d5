import pLimit from 'p-limit';
import type { CallDisplay, EventSink } from '../core/events.js';
import type { ToolCall, ToolResultMessage } from '../core/messages.js';
import type { ParsedCall, ToolRegistry } from '../../tools/registry.js';
import { capHeadTail, type HeadTailLimits } from '../../tools/output-cap.js';
import { ToolError, fail, type Tool, type ToolContext, type ToolResult } from '../../tools/tool.js';
import { LiveOutput } from './live-output.js';
import { LoopDetector } from './loop-detector.js';
import type { PermissionOutcome, Permissions } from './permissions.js';

/**
 * Builds a call's context from what the pipeline provides for it: where its
 * live output goes, and `requestPermission`, which routes the tool's own
 * requests (network) through the permission step.
 */
export type ToolContextFactory = (
  call: ToolCall,
  hooks: Pick<ToolContext, 'onOutput' | 'requestPermission'>,
) => ToolContext;

/**
 * Read-only calls of one turn that run at once. A model may ask for hundreds
 * (300 searches, each an rg process); more than a few gain nothing.
 */
const MAX_CONCURRENT_CALLS = 8;

/**
 * The one cap on what any tool returns to the model, whatever the tool (a
 * future MCP tool returning megabytes must not reach the prompt). Built-in
 * tools cap tighter themselves; this is the backstop.
 */
const MODEL_OUTPUT_LIMITS: HeadTailLimits = {
  headLines: 400,
  tailLines: 600,
  headChars: 20_000,
  tailChars: 40_000,
};

/**
 * Every tool call walks the same steps, in this order:
 *   validate arguments -> loop guard -> permission -> run -> cap -> result and events.
 * Consecutive read-only calls run concurrently (bounded); anything that may
 * change state runs alone, in order. Every call gets exactly one result, in the
 * order the model asked, also when it was interrupted: providers reject a
 * history with an unanswered call.
 */
export class ToolPipeline {
  private readonly loops = new LoopDetector();
  private readonly limit = pLimit(MAX_CONCURRENT_CALLS);

  constructor(
    private readonly registry: ToolRegistry,
    private readonly permissions: Permissions,
    private readonly contextFor: ToolContextFactory,
    private readonly emit: EventSink,
    /** Runs before every call that may change files, once permitted (the turn's checkpoint). */
    private readonly beforeChange?: () => Promise<void>,
  ) {}

  async run(calls: ToolCall[], signal: AbortSignal): Promise<ToolResultMessage[]> {
    const results: ToolResultMessage[] = [];
    for (const batch of this.batches(calls)) {
      results.push(...(await Promise.all(batch.map((call) => this.limit(() => this.runOne(call, signal))))));
    }
    return results;
  }

  private batches(calls: ToolCall[]): ToolCall[][] {
    const batches: ToolCall[][] = [];
    const readOnly = (call: ToolCall) => this.registry.kindOf(call.name) === 'read';
    for (const call of calls) {
      const last = batches.at(-1);
      if (last && readOnly(call) && last.every(readOnly)) last.push(call);
      else batches.push([call]);
    }
    return batches;
  }

  private async runOne(call: ToolCall, signal: AbortSignal): Promise<ToolResultMessage> {
    const started = performance.now();
    const parsed = this.registry.parse(call);
    this.emit({
      type: 'tool_call_start',
      id: call.id,
      name: call.name,
      arguments: call.arguments,
      display: displayOf(call, parsed),
    });
    const live = new LiveOutput(call.id, this.emit);
    const result = await this.execute(call, parsed, signal, live.push);
    live.flush();
    const output = capHeadTail(result.output, MODEL_OUTPUT_LIMITS);
    this.emit({
      type: 'tool_call_end',
      id: call.id,
      name: call.name,
      is_error: result.isError,
      output,
      duration_ms: Math.round(performance.now() - started),
      ...(result.detail && { detail: result.detail }),
    });
    return { role: 'tool', toolCallId: call.id, name: call.name, content: output, isError: result.isError };
  }

  private async execute(
    call: ToolCall,
    parsed: ParsedCall,
    signal: AbortSignal,
    onOutput: (chunk: string) => void,
  ): Promise<ToolResult> {
    if (signal.aborted) return fail(`${call.name} was not run: the session was interrupted.`);
    if (!parsed.ok) return fail(parsed.error);
    const loop = this.loops.check(call);
    if (loop) return fail(loop);
    const { tool, args } = parsed;
    const ctx = this.contextFor(call, {
      onOutput,
      requestPermission: async (request) => {
        const outcome = await this.permissions.check(
          { ...request, detail: async () => request.detail, callId: call.id },
          signal,
        );
        return outcome.approved;
      },
    });
    let permitted: PermissionOutcome;
    try {
      permitted = await this.permit(tool, args, ctx, call, signal);
    } catch (error) {
      return failure(tool, error, signal);
    }
    if (!permitted.approved) return fail(permitted.message);
    if (tool.kind !== 'read') await this.beforeChange?.();
    const result = await runTool(tool, args, ctx);
    return permitted.note
      ? { ...result, output: `${result.output}\n[the user's note: ${permitted.note}]` }
      : result;
  }

  /** The permission step: edits and commands go through the mode's policy; reading never needs permission. */
  private async permit(
    tool: Tool,
    args: unknown,
    ctx: ToolContext,
    call: ToolCall,
    signal: AbortSignal,
  ): Promise<PermissionOutcome> {
    if (tool.kind === 'read') return { approved: true };
    const action = tool.kind === 'edit' ? 'edit' : ctx.sandbox.kind === 'host' ? 'host' : 'command';
    const title = tool.title(args);
    return this.permissions.check(
      { action, title, callId: call.id, detail: async () => (await tool.preview?.(args, ctx)) ?? title },
      signal,
    );
  }
}

/** The run step: a validated call, with anything it throws turned into a result the model can act on. */
export async function runTool(tool: Tool, args: unknown, ctx: ToolContext): Promise<ToolResult> {
  try {
    return await tool.run(args, ctx);
  } catch (error) {
    return failure(tool, error, ctx.signal);
  }
}

function failure(tool: Tool, error: unknown, signal: AbortSignal): ToolResult {
  if (error instanceof ToolError) return fail(error.message);
  if (signal.aborted) return fail(`${tool.name} was interrupted before it finished.`);
  const err = error as NodeJS.ErrnoException;
  return fail(`${tool.name} failed: ${err.code ? `${err.code}: ` : ''}${err.message}`);
}

function displayOf(call: ToolCall, parsed: ParsedCall): CallDisplay {
  if (!parsed.ok) return { title: call.name, kind: 'other' };
  return { title: parsed.tool.title(parsed.args), kind: parsed.tool.kind };
}

import type { z } from 'zod';
import type { Retriever } from '../src/context/retrieval/retriever.js';
import type { Sandbox } from '../src/sandbox/sandbox.js';
import { Visibility } from '../src/fs/visibility/policy.js';
import type { Workspace } from './workspace.js';

export interface ToolResult {
  /** What the model sees. */
  output: string;
  isError: boolean;
}

export interface ToolContext {
  workspace: Workspace;
  /** Which files the model may see, with the user's allowances; absent means none (the strictest). */
  visibility?: Visibility;
  sandbox: Sandbox;
  signal: AbortSignal;
  /** Streams live output (for example a running command) to the event stream. */
  onOutput: (chunk: string) => void;
  /** Code index of the workspace, for the `symbols` and `codebase_search` tools; absent when indexing is off. */
  retriever?: Retriever;
  /**
   * Asks the user whether a command that failed for lack of network may run
   * again with network. Only interactive sessions offer it; print mode never
   * grants network on its own.
   */
  approveNetwork?: (command: string) => Promise<boolean>;
}

/** One capability offered to the model: a name, a schema, and what it does. */
export interface Tool<Schema extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: Schema;
  /** Read-only tools may run concurrently within one model turn. */
  readOnly: boolean;
  run(args: z.infer<Schema>, ctx: ToolContext): Promise<ToolResult>;
}

export function visibilityOf(ctx: ToolContext): Visibility {
  return ctx.visibility ?? new Visibility(ctx.workspace.root);
}

export const ok = (output: string): ToolResult => ({ output, isError: false });
export const fail = (output: string): ToolResult => ({ output, isError: true });

/** Thrown by tools (and helpers like path resolution) for errors the model should see and recover from. */
export class ToolError extends Error {
  override name = 'ToolError';
}

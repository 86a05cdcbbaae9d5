import type { z } from 'zod';
import type { ApprovalAction, CallDetail } from '../src/core/events.js';
import type { Retriever } from '../src/context/retrieval/retriever.js';
import type { Sandbox } from '../src/sandbox/sandbox.js';
import { Visibility } from '../src/fs/visibility/policy.js';
import type { Workspace } from './workspace.js';

export interface ToolResult {
  /** What the model sees. */
  output: string;
  isError: boolean;
  /** The structured outcome for people (a diff, an exit code); the model never sees it. */
  detail?: CallDetail;
}

/** Something a tool asks permission for while it runs (today: network for one command). */
export interface PermissionRequest {
  action: ApprovalAction;
  /** One line, e.g. `npm install` needs the network. */
  title: string;
  /** The command or the diff the user decides on. */
  detail: string;
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
   * Goes through the session's permission step (the mode's policy, the user's
   * answer in interactive sessions); true when granted. Print mode never asks:
   * what would need an answer is refused.
   */
  requestPermission: (request: PermissionRequest) => Promise<boolean>;
}

/**
 * What a call may do, which decides where the permission step looks:
 * `read` never changes anything (runs concurrently, allowed in every mode),
 * `edit` changes workspace files, `execute` runs commands.
 */
export type ToolKind = 'read' | 'edit' | 'execute';

/** One capability offered to the model: a name, a schema, and what it does. */
export interface Tool<Schema extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: Schema;
  kind: ToolKind;
  /** The call in one line for people, e.g. `edit src/stats.js` or `terminal npm test`. */
  title(args: z.infer<Schema>): string;
  /**
   * What the call would do, shown when it needs approval (an edit's diff, a
   * command's text). Computed without changing anything; throws a ToolError
   * when the call could not succeed, which then fails without asking.
   */
  preview?(args: z.infer<Schema>, ctx: ToolContext): Promise<string>;
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

import { HostSandbox } from '../../src/sandbox/host.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { Tool, ToolContext, ToolResult } from '../../tools/tool.js';
import { Workspace } from '../../tools/workspace.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';

/** A real workspace and host sandbox on `root`, collecting live output. */
export function toolContext(
  root: string,
  sandbox: Sandbox = new HostSandbox(root),
): ToolContext & { streamed: string[] } {
  const streamed: string[] = [];
  return {
    workspace: new Workspace(root),
    sandbox,
    signal: new AbortController().signal,
    onOutput: (chunk) => streamed.push(chunk),
    streamed,
  };
}

/** Runs a tool the way the orchestrator does: raw JSON arguments through the registry. */
export function callTool(tool: Tool, args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult> {
  return new ToolRegistry([tool]).invoke(
    { id: 'call-1', name: tool.name, arguments: JSON.stringify(args) },
    ctx,
  );
}

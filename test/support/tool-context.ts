import { HostSandbox } from '../../src/sandbox/host.js';
import { runTool } from '../../src/orchestrator/tool-pipeline.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { PermissionRequest, Tool, ToolContext, ToolResult } from '../../tools/tool.js';
import { Workspace } from '../../tools/workspace.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';

/** A real workspace and host sandbox on `root`, collecting live output and the permissions asked for. */
export function toolContext(
  root: string,
  sandbox: Sandbox = new HostSandbox(root),
  grant = false,
): ToolContext & { streamed: string[]; asked: PermissionRequest[] } {
  const streamed: string[] = [];
  const asked: PermissionRequest[] = [];
  return {
    workspace: new Workspace(root),
    sandbox,
    signal: new AbortController().signal,
    onOutput: (chunk) => streamed.push(chunk),
    requestPermission: async (request) => {
      asked.push(request);
      return grant;
    },
    streamed,
    asked,
  };
}

/** Runs a tool the way the pipeline does: raw JSON arguments validated by the registry, errors as results. */
export async function callTool(
  tool: Tool,
  args: Record<string, unknown>,
  ctx: ToolContext,
): Promise<ToolResult> {
  const parsed = new ToolRegistry([tool]).parse({
    id: 'call-1',
    name: tool.name,
    arguments: JSON.stringify(args),
  });
  return parsed.ok ? runTool(parsed.tool, parsed.args, ctx) : { output: parsed.error, isError: true };
}

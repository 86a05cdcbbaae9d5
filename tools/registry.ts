import { z } from 'zod';
import type { ToolSpec } from '../src/providers/provider.js';
import type { ToolCall } from '../src/core/messages.js';
import { ToolError, fail, type Tool, type ToolContext, type ToolResult } from './tool.js';

/** The set of tools a session offers, and the one place tool calls are parsed, validated and run. */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();

  constructor(tools: Tool[]) {
    for (const tool of tools) this.tools.set(tool.name, tool);
  }

  get names(): string[] {
    return [...this.tools.keys()];
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  specs(): ToolSpec[] {
    return [...this.tools.values()].map((tool) => ({
      name: tool.name,
      description: tool.description,
      parameters: jsonSchemaOf(tool.schema),
    }));
  }

  isReadOnly(name: string): boolean {
    return this.tools.get(name)?.readOnly ?? false;
  }

  /** Runs one call. Never throws: every failure becomes an error result the model can act on. */
  async invoke(call: ToolCall, ctx: ToolContext): Promise<ToolResult> {
    const tool = this.tools.get(call.name);
    if (!tool) return fail(`Unknown tool "${call.name}". Available tools: ${this.names.join(', ')}.`);
    let raw: unknown;
    try {
      raw = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch (error) {
      return fail(
        `The arguments for ${call.name} are not valid JSON (${(error as Error).message}). ` +
          `Send a single JSON object matching the tool's schema.`,
      );
    }
    const parsed = tool.schema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((issue) => `${issue.path.length ? issue.path.join('.') : '(arguments)'}: ${issue.message}`)
        .join('; ');
      return fail(`Invalid arguments for ${call.name}: ${problems}.`);
    }
    try {
      return await tool.run(parsed.data, ctx);
    } catch (error) {
      if (error instanceof ToolError) return fail(error.message);
      if (ctx.signal.aborted) return fail(`${call.name} was interrupted before it finished.`);
      const err = error as NodeJS.ErrnoException;
      return fail(`${call.name} failed: ${err.code ? `${err.code}: ` : ''}${err.message}`);
    }
  }
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

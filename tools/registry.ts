import { z } from 'zod';
import type { ToolSpec } from '../src/providers/provider.js';
import type { ToolCall } from '../src/core/messages.js';
import type { Tool, ToolKind } from './tool.js';

/** A call whose arguments are valid for its tool, or the error the model gets instead. */
export type ParsedCall = { ok: true; tool: Tool; args: unknown } | { ok: false; error: string };

/** The set of tools a session offers; where a call's name and arguments are checked against them. */
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

  kindOf(name: string): ToolKind | undefined {
    return this.tools.get(name)?.kind;
  }

  /** Validates a call: a known tool, JSON arguments, and the tool's schema. Errors are written for the model. */
  parse(call: ToolCall): ParsedCall {
    const tool = this.tools.get(call.name);
    if (!tool)
      return { ok: false, error: `Unknown tool "${call.name}". Available tools: ${this.names.join(', ')}.` };
    let raw: unknown;
    try {
      raw = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch (error) {
      return {
        ok: false,
        error:
          `The arguments for ${call.name} are not valid JSON (${(error as Error).message}). ` +
          `Send a single JSON object matching the tool's schema.`,
      };
    }
    const parsed = tool.schema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((issue) => `${issue.path.length ? issue.path.join('.') : '(arguments)'}: ${issue.message}`)
        .join('; ');
      return { ok: false, error: `Invalid arguments for ${call.name}: ${problems}.` };
    }
    return { ok: true, tool, args: parsed.data };
  }
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { configPath } from '../core/config-path.js';
import { UsageError } from './exit-codes.js';

const limits = {
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
};

/** Seconds without a byte from the model server before an attempt is abandoned (--idle-timeout). */
const idleTimeout = z.number().positive().optional();

const providerProfile = z
  .object({
    /** Which wire protocol the endpoint speaks. */
    type: z.enum(['openai', 'anthropic']),
    baseUrl: z.string().url().optional(),
    /** The environment variable holding this provider's key (keys never live in the file). */
    apiKeyEnv: z.string().optional(),
    model: z.string().optional(),
    fastModel: z.string().optional(),
    idleTimeout,
    ...limits,
  })
  .strict();

const configSchema = z
  .object({
    /** Provider used when --provider is not given. */
    provider: z.string().optional(),
    model: z.string().optional(),
    idleTimeout,
    providers: z.record(z.string(), providerProfile).default({}),
    /** Limits for models agent does not know (or knows wrongly). */
    models: z.record(z.string(), z.object(limits).strict()).default({}),
    /**
     * Globs (relative to the repository) of files the tools may show although
     * they look like secrets (.env, keys): the user's choice, never the repository's.
     */
    allowFiles: z.array(z.string().min(1)).default([]),
    /** Recorded sessions not written to for this many days are deleted when agent starts. */
    sessionRetentionDays: z.number().positive().default(30),
  })
  .strict();

export type ProviderProfile = z.infer<typeof providerProfile>;
export type AgentConfig = z.infer<typeof configSchema>;

/** The configuration, or an empty one when there is no file. A broken file is a usage error naming the problem. */
export async function loadConfig(env: NodeJS.ProcessEnv): Promise<AgentConfig> {
  const file = configPath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return configSchema.parse({});
    throw new UsageError(`cannot read the configuration ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the configuration ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new UsageError(`the configuration ${file} is invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}

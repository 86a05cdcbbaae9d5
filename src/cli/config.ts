import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { configPath } from '../core/config-path.js';
import { MODULE_PROVIDER } from '../providers/module-provider.js';
import { providerTypes } from '../providers/registry.js';
import { UsageError } from './exit-codes.js';

const limits = {
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
};

/** Seconds without a byte from the model server before an attempt is abandoned (--idle-timeout). */
const idleTimeout = z.number().positive().optional();

/** Tokens Anthropic's extended thinking may use per turn (--thinking); the API's minimum is 1024. */
const thinkingBudget = z.number().int().min(1024).optional();

const providerTypeNames = [...providerTypes(), MODULE_PROVIDER];

/** Providers to continue on while this one is down: a provider's name, or `name:model` (--fallback). */
const fallback = z.array(z.string().min(1)).optional();

const providerProfile = z
  .object({
    /** Which wire protocol the endpoint speaks, or `module` for the user's own provider module. */
    type: z.string().refine((type) => providerTypeNames.includes(type), {
      message: `must be one of ${providerTypeNames.join(', ')}`,
    }),
    /** type `module`: the JavaScript module (relative to this file, or absolute) exporting the provider. */
    module: z.string().min(1).optional(),
    /** type `module`: passed to the module as it is. */
    options: z.record(z.string(), z.unknown()).optional(),
    baseUrl: z.string().url().optional(),
    /** The environment variable holding this provider's key (keys never live in the file). */
    apiKeyEnv: z.string().optional(),
    /** A command run once at start whose output is the key (a credentials helper). */
    apiKeyCommand: z.string().min(1).optional(),
    thinkingBudget,
    model: z.string().optional(),
    fastModel: z.string().optional(),
    fallback,
    idleTimeout,
    ...limits,
  })
  .strict()
  .refine((profile) => (profile.type === MODULE_PROVIDER) === (profile.module !== undefined), {
    message: 'a provider of type "module" names its module (and only it does)',
  })
  .refine((profile) => !(profile.apiKeyEnv && profile.apiKeyCommand), {
    message: 'apiKeyEnv and apiKeyCommand are alternatives: give one',
  });

/** US dollars per million tokens; cached reads and cache writes cost the input price unless given. */
const price = z
  .object({
    input: z.number().nonnegative(),
    output: z.number().nonnegative(),
    cacheRead: z.number().nonnegative().optional(),
    cacheWrite: z.number().nonnegative().optional(),
  })
  .strict();

const configSchema = z
  .object({
    /** Provider used when --provider is not given. */
    provider: z.string().optional(),
    model: z.string().optional(),
    fallback,
    idleTimeout,
    thinkingBudget,
    providers: z.record(z.string(), providerProfile).default({}),
    /** Limits and prices for models agent does not know (or knows wrongly). */
    models: z.record(z.string(), z.object({ ...limits, price: price.optional() }).strict()).default({}),
    /**
     * Globs (relative to the repository) of files the tools may show although
     * they look like secrets (.env, keys): the user's choice, never the repository's.
     */
    allowFiles: z.array(z.string().min(1)).default([]),
    /** Recorded sessions not written to for this many days are deleted when agent starts. */
    sessionRetentionDays: z.number().positive().default(30),
    /** Commit each request's changes on the current branch (--git-commit; --no-git-commit overrides). */
    gitCommit: z.boolean().default(false),
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

import { constants } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configPath } from './config-path.js';

/**
 * The one place that knows which environment variables hold model keys, and
 * keeps them away from every process the harness starts.
 *
 * Deleting a variable from process.env does not change /proc/<pid>/environ,
 * which shows the environment the process was started with, readable by any
 * process of the same user. So when the environment holds keys, the agent
 * moves them into a private file and replaces itself (execve, same pid) with a
 * copy started without them; the copy reads the file, deletes it at once and
 * keeps the keys in memory only.
 */

/** Names that are keys whatever the configuration says. */
const KEY_NAME = /(^|_)API_KEY$|^ANTHROPIC_AUTH_TOKEN$/;

/** Tells the re-executed agent where its keys are. */
const KEYS_FILE = 'AGENT_KEYS_FILE';
const KEYS_DIR_PREFIX = 'agent-keys-';

const held = new Map<string, string>();
/** Key variables named in the configuration, whether set or not. */
const configured = new Set<string>();

interface KeysFile {
  configured: string[];
  keys: Record<string, string>;
}

const isKey = (name: string): boolean => KEY_NAME.test(name) || configured.has(name);

/** The environment minus every key variable, for processes the harness starts. */
export function withoutKeys(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !isKey(name)));
}

/** A key obtained otherwise (a credentials helper's output): held like the others, so logs redact it. */
export function holdKey(name: string, value: string): void {
  configured.add(name);
  held.set(name, value);
}

/** The environment as provider setup sees it: the keys included, from wherever they are kept. */
export function providerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ...Object.fromEntries(held) };
}

/** The text with the value of every key this process knows replaced by its variable's name: for logs. */
export function redactKeys(text: string): string {
  let redacted = text;
  for (const [name, value] of Object.entries(providerEnv()))
    if (value && isKey(name)) redacted = redacted.replaceAll(value, `[${name}]`);
  return redacted;
}

/**
 * Takes the keys out of this process's environment. Does not return when it
 * can re-execute the process without them (Node >= 22.15 off Windows).
 */
export async function isolateKeys(): Promise<void> {
  const file = process.env[KEYS_FILE];
  delete process.env[KEYS_FILE];
  if (file !== undefined) return adoptKeysFile(file);
  for (const name of await configuredKeyNames()) configured.add(name);
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || !isKey(name)) continue;
    held.set(name, value);
    delete process.env[name];
  }
  if (held.size === 0 || !process.execve || !runsHostCommands(process.argv.slice(2))) return;
  const keysFile = await writeKeysFile({ configured: [...configured], keys: Object.fromEntries(held) });
  try {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      ...process.env,
      [KEYS_FILE]: keysFile,
    });
  } catch {
    // Carry on with the keys in memory only; commands still get an environment without them.
    await rm(path.dirname(keysFile), { recursive: true, force: true });
  }
}

/**
 * Whether this run may execute the model's commands on the host (--sandbox
 * none): only there can a command read this process's initial environment
 * (/proc/<pid>/environ), so only there is the re-execution worth its start-up
 * time. Read from the command line before the flags are parsed; the keys are
 * taken out of process.env either way, so no child ever inherits them.
 */
function runsHostCommands(args: string[]): boolean {
  return args.some((arg, i) => arg === '--sandbox=none' || (arg === '--sandbox' && args[i + 1] === 'none'));
}

/** apiKeyEnv of every configured provider. Read leniently: a broken file is reported later, by loadConfig. */
async function configuredKeyNames(): Promise<string[]> {
  try {
    const config = JSON.parse(await readFile(configPath(process.env), 'utf8')) as {
      providers?: Record<string, { apiKeyEnv?: unknown }>;
    };
    return Object.values(config.providers ?? {}).flatMap((profile) =>
      typeof profile?.apiKeyEnv === 'string' ? [profile.apiKeyEnv] : [],
    );
  } catch {
    return [];
  }
}

async function writeKeysFile(contents: KeysFile): Promise<string> {
  // mkdtemp creates the directory 0700; the file is created, never reused, and private.
  const dir = await mkdtemp(path.join(tmpdir(), KEYS_DIR_PREFIX));
  const file = path.join(dir, 'keys.json');
  await writeFile(file, JSON.stringify(contents), { flag: 'wx', mode: 0o600 });
  return file;
}

async function adoptKeysFile(file: string): Promise<void> {
  const dir = path.dirname(file);
  // Only a directory this module creates is read and removed, whatever the variable says.
  if (path.dirname(dir) !== tmpdir() || !path.basename(dir).startsWith(KEYS_DIR_PREFIX)) return;
  try {
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    const contents = JSON.parse(await handle.readFile('utf8').finally(() => handle.close())) as KeysFile;
    for (const name of contents.configured) configured.add(name);
    for (const [name, value] of Object.entries(contents.keys)) held.set(name, value);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

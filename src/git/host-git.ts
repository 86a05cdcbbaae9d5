import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { pathExists } from '../fs/paths.js';

/**
 * How the harness runs git on the host (search today, checkpoints later).
 *
 * The repository, .git included, is written by the sandbox, and git runs
 * programs named in the repository's own configuration: core.fsmonitor on
 * every index refresh (git grep and git status included), hooks, filter
 * drivers from .gitattributes when it hashes work-tree files, pagers, editors,
 * credential helpers, ssh and textconv. A sandboxed process that plants one
 * of these would run on the host with the user's rights. So every host git
 * call overrides them on the command line (which beats the repository's
 * config), reads no system config and never prompts.
 */
export interface HostGit {
  /** Arguments to put before the subcommand. */
  args: string[];
  /** The same settings without their `-c`s (simple-git's `config` option). */
  config: string[];
  env: NodeJS.ProcessEnv;
}

/** Settings that make git run nothing from the repository; each value disables the program it names. */
const NEUTRAL_CONFIG = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.untrackedCache=false',
  'core.pager=cat',
  'core.editor=true',
  'core.askPass=',
  'core.sshCommand=false',
  'core.gitProxy=',
  'credential.helper=',
  'diff.external=',
  'protocol.allow=never',
  'uploadpack.packObjectsHook=',
  'sequence.editor=true',
  // Signing runs gpg.program, which the repository's config may name.
  'commit.gpgSign=false',
  // A submodule's git directory is named by a `.git` file the sandbox may rewrite: never go into one.
  'submodule.recurse=false',
];

/** Environment without the variables that make git run or prompt for something. */
function neutralEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    // GIT_* could point git at another config, directory or program; none is needed on the host.
    if (!name.startsWith('GIT_') && name !== 'SSH_ASKPASS') env[name] = value;
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    GIT_EDITOR: 'true',
    GIT_ASKPASS: 'false',
    GIT_SSH_COMMAND: 'false',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PROTOCOL_FROM_USER: '0',
  };
}

/**
 * The argv prefix and environment for running git in `cwd` on the host.
 * Filter drivers have repository-chosen names, so the ones configured are
 * looked up (reading config runs nothing) and each is switched off by name.
 */
export async function hostGit(
  cwd: string,
  base: NodeJS.ProcessEnv = process.env,
  /** False when the caller names its git directory and work tree itself (GIT_DIR), as the checkpoints do. */
  discovered = true,
): Promise<HostGit> {
  const env = neutralEnv(base);
  if (discovered) await refuseMovedWorkTree(cwd, asArgs(NEUTRAL_CONFIG), env);
  const drivers = await configuredFilterDrivers(cwd, asArgs(NEUTRAL_CONFIG), env);
  const filters = drivers.flatMap((name) =>
    ['clean', 'smudge', 'process'].map((key) => `filter.${name}.${key}=`),
  );
  const config = [...NEUTRAL_CONFIG, ...filters];
  return { args: asArgs(config), config, env };
}

const asArgs = (settings: string[]): string[] => settings.flatMap((setting) => ['-c', setting]);

const run = promisify(execFile);

/** Names of the filter drivers git's config defines for `cwd` ([] outside a repository). */
async function configuredFilterDrivers(
  cwd: string,
  config: string[],
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  let output: string;
  try {
    // Asynchronous: .git/config is the sandbox's, and a FIFO there must not stall the main thread.
    ({ stdout: output } = await run(
      'git',
      [...config, 'config', '--null', '--name-only', '--get-regexp', '^filter\\.'],
      { cwd, env, encoding: 'utf8', timeout: 10_000 },
    ));
  } catch {
    return []; // no such key (exit 1), or not a repository
  }
  const names = new Set<string>();
  for (const key of output.split('\0')) {
    const match = /^filter\.(.+)\.[^.]+$/s.exec(key);
    if (match) names.add(match[1]!);
  }
  return [...names];
}

/**
 * A repository's config can move its work tree anywhere (core.worktree), and a
 * command in the sandbox can create a repository where the workspace had none
 * (its parent's .git, or none, is not mounted). Git found from the workspace
 * would then list, hash and commit files of that other place: all of `/` at
 * every start, or another repository of the user's. So the work tree must be
 * the directory that holds the `.git` git found; anything else is refused.
 */
async function refuseMovedWorkTree(cwd: string, config: string[], env: NodeJS.ProcessEnv): Promise<void> {
  let top: string;
  try {
    ({ stdout: top } = await run('git', [...config, 'rev-parse', '--show-toplevel'], {
      cwd,
      env,
      encoding: 'utf8',
      timeout: 10_000,
    }));
  } catch {
    return; // not in a work tree: the caller's own git call says so
  }
  const holder = await dotGitHolder(await realpath(cwd));
  if (holder === undefined || (await realpath(top.trim())) !== holder)
    throw new Error(
      `git's work tree (${top.trim()}) is not the directory that holds the repository's .git` +
        ` (core.worktree moved it): the harness runs no git there`,
    );
}

/** The nearest directory at or above `dir` with a `.git` entry, as git's discovery walks. */
async function dotGitHolder(dir: string): Promise<string | undefined> {
  for (let current = dir; ; current = path.dirname(current)) {
    if (await pathExists(path.join(current, '.git'))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

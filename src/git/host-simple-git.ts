import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';
import { watchGitProcess } from './fifo-release.js';
import { hostGit } from './host-git.js';

/**
 * simple-git refuses arguments and environment variables that name a program
 * (core.fsmonitor, core.hooksPath, GIT_PAGER…), a guard for callers that pass
 * untrusted input through. host-git's neutral settings are exactly such names,
 * each set to a value that runs nothing, so the guard would refuse every call.
 * The categories those settings fall under are allowed, and only those: every
 * argument this harness passes is its own, with paths always after `--`.
 * Editor and pager also cover EDITOR, VISUAL and PAGER from the user's
 * environment, which git ignores here since GIT_EDITOR and GIT_PAGER are set;
 * config paths covers PREFIX (set by Termux and some shells), which simple-git
 * counts as one.
 */
const NEUTRAL_SETTINGS: SimpleGitOptions['unsafe'] = {
  allowUnsafeFsMonitor: true,
  allowUnsafeHooksPath: true,
  allowUnsafePager: true,
  allowUnsafeEditor: true,
  allowUnsafeAskPass: true,
  allowUnsafeSshCommand: true,
  allowUnsafeGitProxy: true,
  allowUnsafeCredentialHelper: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeProtocolOverride: true,
  allowUnsafePack: true,
  allowUnsafeFilter: true,
  allowUnsafeConfigPaths: true,
};

/** A git command that hangs this long without output is killed (FIFOs where git opens files: fifo-release.ts). */
const SILENCE_TIMEOUT_MS = 30_000;

/**
 * simple-git for `cwd` on the host, with host-git's settings and environment
 * (see host-git.ts for why), plus the caller's own `config` and `env` (the
 * checkpoints' shadow repository names its git directory that way).
 */
export async function hostSimpleGit(
  cwd: string,
  extra: { config?: string[]; env?: Record<string, string> } = {},
): Promise<SimpleGit> {
  const neutral = await hostGit(cwd, process.env, extra.env?.GIT_DIR === undefined);
  const env = { ...neutral.env, ...extra.env };
  return simpleGit({
    baseDir: cwd,
    config: [...neutral.config, ...(extra.config ?? [])],
    unsafe: NEUTRAL_SETTINGS,
    // simple-git also refuses GIT_* variables given through env() unless named here; host-git
    // built this environment (the caller's own GIT_* variables are already gone), so all of it is.
    allowEnvironment: Object.keys(env),
    timeout: { block: SILENCE_TIMEOUT_MS },
  })
    .env(env)
    .outputHandler((_command, stdout) => stdout.on('close', watchGitProcess(cwd)));
}

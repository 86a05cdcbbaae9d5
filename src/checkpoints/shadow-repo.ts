import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repositoryKey, stateDir } from '../core/state-dir.js';
import { withFileLock } from '../core/file-lock.js';
import { readConfined, TEMP_MARKER } from '../fs/confined.js';
import { hostSimpleGit } from '../git/host-simple-git.js';

/**
 * The shadow repository that keeps a workspace's checkpoints: a git directory
 * of its own under the state directory (one per repository, named as the
 * sessions' folder is), with the workspace as its work tree. The user's .git
 * is never opened by it: not its index, refs, config, hooks or objects.
 */
export interface ShadowRepo {
  readonly root: string;
  readonly gitDir: string;
  /** Runs git on the shadow repository and the workspace; stdout as text. */
  run(args: string[]): Promise<string>;
  /** A blob's bytes. */
  blob(sha: string): Promise<Buffer>;
  /** Runs `work` holding the repository's lock: one snapshot or restore at a time, across processes. */
  locked<T>(work: () => Promise<T>): Promise<T>;
  /** Writes a scratch file in the git directory (a pathspec list) and returns its path. */
  scratch(name: string, content: string): Promise<string>;
}

/** Where a workspace's shadow repository lives. */
function shadowDir(workspaceRoot: string): string {
  return path.join(stateDir(), 'checkpoints', `${repositoryKey(workspaceRoot)}.git`);
}

/**
 * Settings of every call on top of the host-git neutral ones. Snapshots must
 * hold the bytes of the files as they are, so no conversion applies (line
 * endings, encodings); commit-tree must never sign (a gpg program).
 */
const SHADOW_CONFIG = [
  'core.autocrlf=false',
  'core.safecrlf=false',
  'core.symlinks=true',
  'core.fileMode=true',
  'core.quotePath=false',
  'commit.gpgSign=false',
  'gc.auto=0',
  // The neutral settings keep git from writing this cache into the user's index; this index is ours.
  'core.untrackedCache=true',
  'user.name=agent',
  'user.email=checkpoints@agent.invalid',
];

/**
 * The repository's attributes file has the highest precedence of all, so these
 * lines beat any .gitattributes in the workspace (which the sandbox writes):
 * no filter driver, no end-of-line or encoding conversion, no ident expansion.
 * (git 2.40's --attr-source would ignore the work tree's attributes outright.)
 */
const NEUTRAL_ATTRIBUTES = '* -text -filter -ident -working-tree-encoding -eol\n';

/** Never part of a snapshot: the temporary files of writes in flight. */
const OWN_EXCLUDES = `*${TEMP_MARKER}*\n`;

/** The user's own excludes are honoured; bounded, as .git is the sandbox's to write. */
const MAX_EXCLUDE_BYTES = 1024 * 1024;

export async function openShadowRepo(workspaceRoot: string): Promise<ShadowRepo> {
  const gitDir = shadowDir(workspaceRoot);
  // simple-git waits 50 ms after a command that printed nothing (its completion
  // plugin); git's one trace line on stderr makes every command print something.
  const quick = { GIT_TRACE: '2' };
  // GIT_DIR names it (init creates it there): nothing of a repository found in the workspace applies.
  const init = await hostSimpleGit(workspaceRoot, {
    config: SHADOW_CONFIG,
    env: { ...quick, GIT_DIR: gitDir },
  });
  await initialise(gitDir, (args) => init.raw(args));
  await syncExcludes(workspaceRoot, gitDir);
  // Named by the environment, not discovered: cat-file takes no --git-dir after its name.
  const git = await hostSimpleGit(workspaceRoot, {
    config: SHADOW_CONFIG,
    env: { ...quick, GIT_DIR: gitDir, GIT_WORK_TREE: workspaceRoot },
  });
  return {
    root: workspaceRoot,
    gitDir,
    run: (args) => git.raw(args),
    blob: async (sha) => (await git.binaryCatFile(['blob', sha])) as unknown as Buffer,
    locked: (work) => withFileLock(path.join(gitDir, 'agent.lock'), work),
    async scratch(name, content) {
      const file = path.join(gitDir, name);
      await writeFile(file, content, { mode: 0o600 });
      return file;
    },
  };
}

async function initialise(gitDir: string, raw: (args: string[]) => Promise<string>): Promise<void> {
  const attributes = path.join(gitDir, 'info', 'attributes');
  if ((await readFile(attributes, 'utf8').catch(() => '')) === NEUTRAL_ATTRIBUTES) return;
  await mkdir(path.dirname(gitDir), { recursive: true, mode: 0o700 });
  // --bare: no work tree is recorded in it; every call names the workspace itself.
  await raw(['init', '--quiet', '--bare', gitDir]);
  await mkdir(path.dirname(attributes), { recursive: true });
  await writeFile(attributes, NEUTRAL_ATTRIBUTES);
}

/** The shadow's exclude file: our own patterns and the user's .git/info/exclude, rewritten only when it changed. */
async function syncExcludes(workspaceRoot: string, gitDir: string): Promise<void> {
  const user = await readConfined(workspaceRoot, path.join(workspaceRoot, '.git', 'info', 'exclude'), {
    maxBytes: MAX_EXCLUDE_BYTES,
  }).catch(() => undefined);
  const wanted = `${OWN_EXCLUDES}${user?.toString('utf8') ?? ''}`;
  const file = path.join(gitDir, 'info', 'exclude');
  if ((await readFile(file, 'utf8').catch(() => undefined)) !== wanted) await writeFile(file, wanted);
}

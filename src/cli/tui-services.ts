import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { readConfined } from '../fs/confined.js';
import { isBinary } from '../fs/visibility/binary.js';
import { Visibility } from '../fs/visibility/policy.js';
import { walkVisible } from '../fs/visibility/walk.js';
import { hostGit } from '../git/host-git.js';
import type { TuiServices } from '../tui/services.js';
import { unifiedDiff } from '../../tools/file-diff.js';
import { debugLog } from '../core/debug-log.js';

/** Enough files for `@` completion in a large monorepo, bounded so a huge tree cannot stall the prompt. */
const MAX_COMPLETION_FILES = 50_000;

/** New files are shown in full up to these limits; the rest are left to `git status`. */
const MAX_NEW_FILES_SHOWN = 50;
const MAX_NEW_FILE_BYTES = 256 * 1024;

const run = promisify(execFile);

/** What the interactive UI asks of the workspace: files to complete, and the changes made so far. */
export function tuiServices(root: string, allowFiles: readonly string[]): TuiServices {
  const visibility = new Visibility(root, allowFiles);
  return {
    async listFiles() {
      const files: string[] = [];
      for await (const file of walkVisible(visibility, root)) {
        files.push(file.relative);
        if (files.length >= MAX_COMPLETION_FILES) break;
      }
      return files;
    },
    async sessionDiff() {
      // Until sessions keep checkpoints, the working tree against HEAD (new files included) is the closest answer.
      const git = await hostGit(root);
      const gitOut = async (args: string[]) =>
        (await run('git', [...git.args, ...args], { cwd: root, env: git.env, maxBuffer: 16 * 1024 * 1024 }))
          .stdout;
      let tracked: string;
      let untracked: string[];
      try {
        tracked = await gitOut(['diff', '--no-color', '--no-ext-diff', 'HEAD']);
        untracked = (await gitOut(['ls-files', '--others', '--exclude-standard', '-z']))
          .split('\0')
          .filter(Boolean);
      } catch {
        throw new Error('/diff needs a git repository with at least one commit');
      }
      const added: string[] = [];
      for (const file of untracked.slice(0, MAX_NEW_FILES_SHOWN)) {
        const content = await readConfined(root, path.join(root, file), {
          maxBytes: MAX_NEW_FILE_BYTES,
        }).catch((error: unknown) => debugLog.swallowed('/diff: reading a new file', error));
        if (content && !isBinary(content)) added.push(unifiedDiff(file, '', content.toString('utf8')));
      }
      return [tracked, ...added].join('');
    },
  };
}

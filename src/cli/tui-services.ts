import { Visibility } from '../fs/visibility/policy.js';
import { walkVisible } from '../fs/visibility/walk.js';
import type { TuiServices } from '../tui/services.js';
import { sessionChanges } from '../checkpoints/session-diff.js';

/** Enough files for `@` completion in a large monorepo, bounded so a huge tree cannot stall the prompt. */
const MAX_COMPLETION_FILES = 50_000;

/** What the interactive UI asks of the workspace: files to complete, and what the session changed (as `agent diff`). */
export function tuiServices(root: string, allowFiles: readonly string[], sessionId: string): TuiServices {
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
      const { diff, uncovered } = await sessionChanges(root, sessionId);
      return uncovered.length > 0 && diff
        ? `${diff}\n(not covered by checkpoints: ${uncovered.join(', ')})\n`
        : diff;
    },
  };
}

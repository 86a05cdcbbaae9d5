import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../../tools/output-cap.js';
import { packageRoot } from '../core/package-root.js';
import { FileRefused, readHeadConfined } from '../fs/confined.js';
import type { RepoFacts } from '../git/repo-facts.js';

const promptsDir = path.join(packageRoot, 'prompts');

/** Instruction files a repository can carry for agents, most specific name first. */
const INSTRUCTION_FILES = ['AGENTS.md', 'CLAUDE.md', 'GEMINI.md'];
/**
 * Instruction files are cut here: they go out with every request, so a huge
 * one costs on every turn and crowds out the task. 32 KiB (about 8k tokens) is
 * the limit Codex applies to AGENTS.md and several times what real instruction
 * files hold.
 */
const MAX_INSTRUCTIONS_BYTES = 32 * 1024;

export interface SystemPromptOptions {
  cwd: string;
  sandbox: 'docker' | 'host';
  networkBlocked: boolean;
  /** The repository's instruction file as readInstructions found it at session start. */
  instructions: string | null;
  /** The ranked repo map, when the code index is ready in time. */
  repoMap?: string | Promise<string>;
  /** The workspace's git state as the session found it; undefined outside a repository. */
  git?: RepoFacts;
  /** Each request's changes are committed for the user (--git-commit). */
  gitCommit?: boolean;
}

export async function loadPrompt(name: string): Promise<string> {
  return readFile(path.join(promptsDir, name), 'utf8');
}

/**
 * The system prompt. It is built at session start and rebuilt only when
 * compaction rewrites the prompt anyway, so between compactions the prefix
 * stays byte-stable and provider caches hit.
 */
export async function buildSystemPrompt(options: SystemPromptOptions): Promise<string> {
  const template = await loadPrompt('system.md');
  const filled = template
    .replace(
      '{{sandbox}}',
      options.sandbox === 'docker' ? 'an isolated Docker container' : 'on the host machine',
    )
    .replace(
      '{{network}}',
      options.networkBlocked
        ? 'The network is blocked by policy: installing packages or fetching URLs fails. Work with what is in the repository.'
        : 'The network may be available.',
    )
    .replace('{{cwd}}', options.cwd)
    .replace('{{platform}}', `${process.platform} ${process.arch}`)
    .replace('{{git}}\n', options.git ? `${gitLine(options.git, Boolean(options.gitCommit))}\n` : '');
  const { instructions } = options;
  const repoMap = (await options.repoMap)?.trim();
  const map = repoMap
    ? `# Repository map\nThe most relevant definitions of this repository, ranked for the task (path, then line: signature).\n\n${repoMap}\n`
    : '';
  return [filled, instructions, map].filter(Boolean).join('\n');
}

/**
 * The git facts, stated as of the session's start: the prompt must stay the
 * same bytes all session (the provider's cache), while the tree changes under it.
 */
function gitLine(facts: RepoFacts, commits: boolean): string {
  const where = facts.branch
    ? `on branch \`${facts.branch}\`${facts.head ? '' : ' (no commits yet)'}`
    : `detached HEAD at ${facts.head ?? 'no commit'}`;
  const n = facts.changedFiles;
  const tree = n === 0 ? 'working tree clean' : `${n} changed file${n === 1 ? '' : 's'} not committed`;
  const committing = commits
    ? ' Your changes are committed to the current branch after each request of the user; do not commit them yourself.'
    : '';
  return `- Git repository: ${where}, ${tree} (at session start).${committing}`;
}

/**
 * The repository's own instruction file, included verbatim up to
 * MAX_INSTRUCTIONS_BYTES. Only a regular file inside the repository is read
 * (src/fs/confined.ts): its content goes straight to the model, and a FIFO or
 * a link to /dev/zero must not stall or exhaust the start-up. `notify` tells
 * the user about a file cut short or skipped.
 */
export async function readInstructions(
  cwd: string,
  notify?: (message: string) => void,
): Promise<string | null> {
  const root = await realpath(cwd);
  for (const name of INSTRUCTION_FILES) {
    let read: { head: Buffer; size: number };
    try {
      read = await readHeadConfined(root, path.join(root, name), {
        maxBytes: MAX_INSTRUCTIONS_BYTES,
        shown: name,
      });
    } catch (error) {
      if (error instanceof FileRefused && error.reason !== 'missing')
        notify?.(`${name} skipped: ${error.message}`);
      continue;
    }
    let text = read.head.toString('utf8');
    if (read.size > read.head.length) {
      // End at the last whole line (when there is one), so no line is cut in half.
      const lastLine = text.lastIndexOf('\n');
      if (lastLine > 0) text = text.slice(0, lastLine + 1);
      const cut = `${name} is ${formatBytes(read.size)}; only its first ${formatBytes(MAX_INSTRUCTIONS_BYTES)} are included`;
      notify?.(`${cut} in the prompt`);
      text += `\n[Truncated: ${cut}. Read the file for the rest if the task needs it.]`;
    }
    return `# Project instructions (${name})\nThe repository's maintainers wrote these for agents. Follow them.\n\n${text.trim()}\n`;
  }
  return null;
}

import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../core/package-root.js';

const promptsDir = path.join(packageRoot, 'prompts');

/** Instruction files a repository can carry for agents, most specific name first. */
const INSTRUCTION_FILES = ['AGENTS.md', 'CLAUDE.md', 'GEMINI.md'];

export interface SystemPromptOptions {
  cwd: string;
  sandbox: 'docker' | 'host';
  networkBlocked: boolean;
  /** The repository's instruction file as readInstructions found it at session start. */
  instructions: string | null;
  /** The ranked repo map, when the code index is ready in time. */
  repoMap?: string | Promise<string>;
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
    .replace('{{platform}}', `${process.platform} ${process.arch}`);
  const { instructions } = options;
  const repoMap = (await options.repoMap)?.trim();
  const map = repoMap
    ? `# Repository map\nThe most relevant definitions of this repository, ranked for the task (path, then line: signature).\n\n${repoMap}\n`
    : '';
  return [filled, instructions, map].filter(Boolean).join('\n');
}

/** The repository's own instruction file, included verbatim. */
export async function readInstructions(cwd: string): Promise<string | null> {
  const root = await realpath(cwd);
  for (const name of INSTRUCTION_FILES) {
    try {
      // Never through a symlink that leaves the repository: its target would go straight to the model.
      const file = await realpath(path.join(root, name));
      const inside = path.relative(root, file);
      if (inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside) || !(await stat(file)).isFile())
        continue;
      const text = await readFile(file, 'utf8');
      return `# Project instructions (${name})\nThe repository's maintainers wrote these for agents. Follow them.\n\n${text.trim()}\n`;
    } catch {
      continue;
    }
  }
  return null;
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../core/package-root.js';

const promptsDir = path.join(packageRoot, 'prompts');

/** Instruction files a repository can carry for agents, most specific name first. */
const INSTRUCTION_FILES = ['AGENTS.md', 'CLAUDE.md', 'GEMINI.md'];

export interface SystemPromptOptions {
  cwd: string;
  sandbox: 'docker' | 'host';
  networkBlocked: boolean;
  /** The ranked repo map, when the code index is ready in time. */
  repoMap?: string | Promise<string>;
}

export async function loadPrompt(name: string): Promise<string> {
  return readFile(path.join(promptsDir, name), 'utf8');
}

/**
 * The system prompt is built once per session and never changes afterwards, so
 * the prompt prefix stays byte-stable and provider caches hit.
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
  const instructions = await readInstructions(options.cwd);
  const repoMap = (await options.repoMap)?.trim();
  const map = repoMap
    ? `# Repository map\nThe most relevant definitions of this repository, ranked for the task (path, then line: signature).\n\n${repoMap}\n`
    : '';
  return [filled, instructions, map].filter(Boolean).join('\n');
}

/** The repository's own instruction file, included verbatim. */
async function readInstructions(cwd: string): Promise<string | null> {
  for (const name of INSTRUCTION_FILES) {
    try {
      const text = await readFile(path.join(cwd, name), 'utf8');
      return `# Project instructions (${name})\nThe repository's maintainers wrote these for agents. Follow them.\n\n${text.trim()}\n`;
    } catch {
      continue;
    }
  }
  return null;
}

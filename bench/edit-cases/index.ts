/**
 * Hand-written edit cases from outside our generator: situations the anchors' own edit tests and
 * issue trackers describe (Aider, OpenCode, Gemini CLI, OpenHands, Codex, Roo Code, Cline, Continue,
 * Claude Code, and reports against OpenCode's replacers and their kin), written anew in our own
 * words, one file per source. The bench reports them by class.
 */
import type { EditCase } from '../edit-corpus.js';
import { AIDER } from './aider.js';
import { CLAUDE_CODE } from './claude-code.js';
import { CLINE } from './cline.js';
import { CODEX } from './codex.js';
import { CONTINUE } from './continue.js';
import { GEMINI } from './gemini.js';
import { ISSUE_CLASSES } from './issue-classes.js';
import { OPENCODE } from './opencode.js';
import { OPENHANDS } from './openhands.js';
import { REPLACER_REPORTS } from './replacer-reports.js';
import { ROO } from './roo.js';
import { OUTSIDE_CATEGORIES, type OutsideCategory, type SourceCases } from './spec.js';
import { TRACKERS } from './trackers.js';

export { OUTSIDE_CATEGORIES };

const SOURCES: [string, SourceCases][] = [
  ['issue', ISSUE_CLASSES],
  ['aider', AIDER],
  ['opencode', OPENCODE],
  ['gemini', GEMINI],
  ['openhands', OPENHANDS],
  ['codex', CODEX],
  ['tracker', TRACKERS],
  ['roo', ROO],
  ['cline', CLINE],
  ['continue', CONTINUE],
  ['claude-code', CLAUDE_CODE],
  ['replacers', REPLACER_REPORTS],
];

export function outsideCases(): (EditCase & { category: OutsideCategory })[] {
  return OUTSIDE_CATEGORIES.flatMap((category) =>
    SOURCES.flatMap(([source, cases]) =>
      (cases[category] ?? []).map(([id, path, content, oldString, newString, expected, replaceAll]) => ({
        id: `${source}:${category}-${id}`,
        category,
        path,
        content,
        oldString,
        newString,
        replaceAll: replaceAll ?? false,
        expected,
      })),
    ),
  );
}

import { realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { jsonLine, terminalSafe } from '../core/terminal-text.js';
import type { AgentEvent } from '../core/events.js';
import { commitLine } from '../git/commit-line.js';
import {
  findSessions,
  listSessions,
  loadSession,
  repositoryFolders,
  repositorySessions,
} from '../sessions/store.js';
import { assertSessionIdle } from '../sessions/in-use.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { describeSession } from './session-choice.js';

/** `agent sessions`: this repository's sessions (or every repository's), latest first. */
export function sessionsList(flags: { json?: boolean; all?: boolean; cwd: string }): number {
  const sessions = flags.all
    ? repositoryFolders()
        .flatMap(listSessions)
        .sort((a, b) => b.updated.getTime() - a.updated.getTime())
    : listSessions(repositorySessions(realpathSync(path.resolve(flags.cwd))));
  for (const session of sessions) {
    process.stdout.write(
      flags.json
        ? jsonLine({
            id: session.id,
            cwd: session.cwd,
            created: session.created,
            updated: session.updated.toISOString(),
            messages: session.messages,
            model_calls: session.modelCalls,
            first_message: session.firstMessage,
            changed_files: session.changedFiles,
            file: session.file,
          })
        : `${describeSession(session)}${flags.all ? terminalSafe(`  ${session.cwd}`) : ''}\n`,
    );
  }
  if (sessions.length === 0 && !flags.json) process.stderr.write('no recorded sessions\n');
  return ExitCode.success;
}

/** `agent sessions show ID`: what was said and done, readable. */
export function sessionsShow(prefix: string, flags: { cwd: string }): number {
  const session = loadSession(sessionFileFor(prefix, flags.cwd));
  const out: string[] = [`session ${session.id}  ${session.cwd}  started ${session.created}`];
  for (const line of session.lines) {
    if (line.type === 'resumed') out.push('', `— resumed ${line.ts}`);
    if (line.type === 'event') out.push(...transcriptLines(line.event));
  }
  process.stdout.write(terminalSafe(`${out.join('\n')}\n`));
  return ExitCode.success;
}

/** `agent sessions rm ID`. */
export async function sessionsRemove(prefix: string, flags: { cwd: string }): Promise<number> {
  const file = sessionFileFor(prefix, flags.cwd);
  await assertSessionIdle(file, path.basename(file, '.jsonl'));
  rmSync(file);
  process.stderr.write(`removed session ${path.basename(file, '.jsonl')}\n`);
  return ExitCode.success;
}

function transcriptLines(event: AgentEvent): string[] {
  switch (event.type) {
    case 'user_message':
      return ['', `> ${event.text.replace(/\n/g, '\n  ')}`];
    case 'assistant_message':
      return event.text.trim() ? ['', event.text.trim()] : [];
    case 'tool_call_start':
      return [`  ● ${event.display?.title ?? `${event.name} ${event.arguments}`}`];
    case 'tool_call_end': {
      const first = event.output.split('\n').find((l) => l.trim() !== '') ?? '';
      return [`    ${event.is_error ? '✗' : '⎿'} ${first.slice(0, 200)}`];
    }
    case 'git_commit':
      return [`  ${commitLine(event)}`];
    case 'compaction':
      return [`  ~ compacted ${event.tokens_before} → ${event.tokens_after} tokens`];
    case 'error':
      return [`  ! ${event.message}`];
    case 'idle':
      return event.status === 'success'
        ? []
        : [`  (${event.status}${event.error ? `: ${event.error}` : ''})`];
    default:
      return [];
  }
}

/** This repository's session with that id (prefix), else any repository's. */
function sessionFileFor(prefix: string, cwd: string): string {
  const here = findSessions(repositorySessions(realpathSync(path.resolve(cwd))), prefix);
  const matches = here.length > 0 ? here : repositoryFolders().flatMap((dir) => findSessions(dir, prefix));
  if (matches.length === 0) throw new UsageError(`no session ${prefix}; \`agent sessions\` lists them`);
  if (matches.length > 1)
    throw new UsageError(`${matches.length} sessions start with ${prefix}; give more of the id`);
  return matches[0]!;
}

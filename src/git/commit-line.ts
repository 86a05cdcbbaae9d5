import type { AgentEvent } from '../core/events.js';

/** How every view shows a --git-commit commit: one quiet line. */
export function commitLine(event: Extract<AgentEvent, { type: 'git_commit' }>): string {
  const count = event.files.length;
  return `committed ${event.sha.slice(0, 7)} on ${event.branch}: ${event.subject} (${count} file${count === 1 ? '' : 's'})`;
}

/**
 * Every command carries a marker in its environment, which all its descendants
 * inherit (even ones that leave the process group with setsid). That finds the
 * command's whole process tree inside the container, to kill it at a deadline,
 * on interrupt, or when the command exits and leaves background processes that
 * would otherwise hold its output open.
 */
export const EXEC_MARKER = 'AGENT_EXEC_ID';

// Kills the processes marked with $id except the calling shell; repeated because
// they may fork while being killed. The marker is unset first so the helpers
// forked here are not found themselves.
const KILL_TREE =
  `self=$$; unset ${EXEC_MARKER}; for round in 1 2 3 4 5; do ` +
  `pids=$(grep -lzx "${EXEC_MARKER}=$id" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -vx "$self"); ` +
  `[ -z "$pids" ] && break; kill -9 $pids 2>/dev/null; done`;

/** argv that runs command with bash and, when it exits, kills whatever it left running. */
export function commandArgv(command: string, execId: string): string[] {
  return [
    'sh',
    '-c',
    `id=$1; bash -c "$2" </dev/null; code=$?; ${KILL_TREE}; exit $code`,
    'agent-exec',
    execId,
    command,
  ];
}

/** argv that kills the whole process tree of execId. */
export function killTreeArgv(execId: string): string[] {
  return ['sh', '-c', `id=$1; ${KILL_TREE}`, 'agent-kill', execId];
}

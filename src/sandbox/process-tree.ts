/**
 * The one rule for what may run in the session container between commands: the
 * resident set (pid 1, docker-init, and its children at container start, the
 * keep-alive) and the process asking. Everything else is a leftover of some
 * command, whatever environment, session or process group it gave itself, and
 * is killed. Written in POSIX sh with builtins only, so the scan forks nothing
 * that it would then find itself, and runs in any image: the command server
 * runs it with `sh -c`, the `docker exec` fallback inside each command's exec.
 */

// Prints pid 1 and its children, one per line (the container's own processes, before any command ran).
const LIST_RESIDENTS =
  'echo 1; for p in /proc/[0-9]*; do { read -r stat < "$p/stat"; } 2>/dev/null || continue; ' +
  'rest=${stat##*) }; rest=${rest#* }; [ "${rest%% *}" = 1 ] && echo "${p#/proc/}"; done; :';

// Kills every process except pid 1, this shell and the pids given as arguments, in rounds until a
// round finds nothing to kill. Everything is stopped first (kill(-1) reaches every process the
// shell may signal at once, and a fork under way is abandoned): a process that forks a child and
// exits, over and over, would otherwise always be one pid ahead of a scan, whose kills then all
// miss. The residents are continued at the end. Zombies are skipped: they are already dead and
// wait for their parent or init to reap them.
const KILL_STRAYS =
  'keep=" 1 $$ $* "; kill -s STOP -- -1 2>/dev/null; round=0; while [ $round -lt 200 ]; do round=$((round + 1)); found=; ' +
  'for p in /proc/[0-9]*; do pid=${p#/proc/}; case "$keep" in *" $pid "*) continue;; esac; ' +
  '{ read -r stat < "$p/stat"; } 2>/dev/null || continue; state=${stat##*) }; ' +
  '[ "${state%% *}" = Z ] && continue; kill -9 "$pid" 2>/dev/null && found=1; done; ' +
  '[ -z "$found" ] && break; done; kill -s CONT -- -1 2>/dev/null; :';

/** argv that prints the resident set, for parseResidents. */
export function residentsArgv(): string[] {
  return ['sh', '-c', LIST_RESIDENTS];
}

export function parseResidents(output: string): number[] | undefined {
  const pids = output.split('\n').filter(Boolean).map(Number);
  return isResidentSet(pids) ? pids : undefined;
}

/** A resident set as reported by a server or the listing: positive integer pids, pid 1 among them. */
export function isResidentSet(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    value.includes(1) &&
    value.every((pid) => typeof pid === 'number' && Number.isInteger(pid) && pid > 0)
  );
}

/** argv that kills every process but pid 1, itself and keep. */
export function killStraysArgv(keep: number[]): string[] {
  return ['sh', '-c', KILL_STRAYS, 'agent-kill', ...keep.map(String)];
}

/**
 * argv for the `docker exec` fallback: clears strays (a server-less runner has no restart to do it),
 * runs command with bash, then kills whatever it left running, which would otherwise hold the exec's
 * output open or live on to race the harness's file operations.
 */
export function commandArgv(command: string, resident: number[]): string[] {
  const strays = `strays ${resident.join(' ')}`;
  return [
    'sh',
    '-c',
    `strays() { ${KILL_STRAYS}; }; ${strays}; bash -c "$1" </dev/null; code=$?; ${strays}; exit $code`,
    'agent-exec',
    command,
  ];
}

import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '../core/process-alive.js';

/** How long a killed cgroup gets to empty (the kernel runs each exit a moment after the kill). */
const EMPTY_ROUNDS = 100;
const ROUND_PAUSE_MS = 20;

/**
 * One cgroup (v2) per host command, under one per session, inside the cgroup
 * this process runs in, where it may create them (root, or a user whose
 * systemd session delegates its cgroup). `cgroup.kill` then ends every process
 * of a command at once, also ones that left both its process group (setsid)
 * and its environment marker (env -i), which nothing else on the host can
 * find, and ones forking while they are killed.
 *
 * Chosen over a PID namespace per command: that needs root (for anyone else a
 * user namespace, which breaks sudo), and changes what the command sees ($$ is
 * 1, pid 1 ignores SIGTERM). Where cgroups are not available (no cgroup v2,
 * read-only as in most containers, a kernel before 5.14, not Linux) open()
 * gives undefined and commands are ended by process group and marker alone.
 */
export class CommandCgroups {
  private constructor(private readonly dir: string) {}

  static async open(): Promise<CommandCgroups | undefined> {
    const own = await ownCgroup();
    if (!own) return undefined;
    await removeAbandoned(own);
    const dir = path.join(own, `agent-${process.pid}`);
    try {
      await mkdir(dir, { recursive: true });
      await readFile(path.join(dir, 'cgroup.kill')).catch(async (error: NodeJS.ErrnoException) => {
        // cgroup.kill is write-only: EINVAL on reading means it exists; ENOENT, a kernel without it.
        if (error.code !== 'EINVAL') throw error;
      });
      return new CommandCgroups(dir);
    } catch {
      await rmdir(dir).catch(() => {});
      return undefined;
    }
  }

  /** An empty cgroup for one command; the command joins it by writing its pid to `procs`. */
  async create(id: string): Promise<CommandCgroup | undefined> {
    const dir = path.join(this.dir, id);
    try {
      await mkdir(dir);
      return new CommandCgroup(dir);
    } catch {
      return undefined;
    }
  }

  /** Removes the session's cgroup; the commands' own are gone once each was killed. */
  async dispose(): Promise<void> {
    await rmdir(this.dir).catch(() => {});
  }
}

export class CommandCgroup {
  constructor(private readonly dir: string) {}

  /** The file a process writes its pid to in order to join. */
  get procs(): string {
    return path.join(this.dir, 'cgroup.procs');
  }

  /** Whether any process is still in the cgroup. */
  async populated(): Promise<boolean> {
    return populated(this.dir);
  }

  /** Sends a signal to every process in it (a chance to exit cleanly before kill()). */
  async signal(signal: NodeJS.Signals): Promise<void> {
    const pids = (await readFile(this.procs, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), signal);
      } catch {
        // already gone
      }
    }
  }

  /** SIGKILLs every process in it, waits until it is empty, and removes it. */
  async kill(): Promise<void> {
    await killAndRemove(this.dir);
  }
}

/** The directory of this process's cgroup v2, from /proc/self/cgroup and the cgroup2 mount. */
async function ownCgroup(): Promise<string | undefined> {
  try {
    const member = (await readFile('/proc/self/cgroup', 'utf8')).match(/^0::(\/.*)$/m)?.[1];
    if (member === undefined) return undefined;
    for (const line of (await readFile('/proc/self/mountinfo', 'utf8')).split('\n')) {
      // id parent dev root mountpoint options ... - fstype source options
      const fields = line.split(' ');
      const [root, mountPoint] = [fields[3], fields[4]];
      if (fields[fields.indexOf('-') + 1] !== 'cgroup2' || !root || !mountPoint) continue;
      const relative = path.posix.relative(root, member);
      if (!relative.startsWith('..')) return path.join(mountPoint, relative);
    }
  } catch {
    // not Linux
  }
  return undefined;
}

/** Session cgroups left by an agent that was killed: their commands would otherwise live on. */
async function removeAbandoned(own: string): Promise<void> {
  const entries = await readdir(own).catch(() => []);
  for (const entry of entries) {
    const pid = Number(entry.match(/^agent-(\d+)$/)?.[1]);
    if (!pid || pid === process.pid || isProcessAlive(pid)) continue;
    const session = path.join(own, entry);
    for (const command of await readdir(session, { withFileTypes: true }).catch(() => []))
      if (command.isDirectory()) await killAndRemove(path.join(session, command.name));
    await rmdir(session).catch(() => {});
  }
}

async function killAndRemove(dir: string): Promise<void> {
  await writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => {});
  for (let round = 0; round < EMPTY_ROUNDS && (await populated(dir)); round++) await sleep(ROUND_PAUSE_MS);
  await rmdir(dir).catch(() => {});
}

async function populated(dir: string): Promise<boolean> {
  const events = await readFile(path.join(dir, 'cgroup.events'), 'utf8').catch(() => '');
  return /^populated 1$/m.test(events);
}

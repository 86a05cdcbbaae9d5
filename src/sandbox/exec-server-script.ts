import { killStraysArgv, residentsArgv } from './process-tree.js';

/**
 * A tiny command server that runs inside the container under the image's Node,
 * as root (started with `node -e` by `docker exec`). Each `docker exec` costs a
 * few hundred milliseconds of engine and runtime work; spawning through this
 * server costs a few. Protocol, one JSON object per line:
 *   in:  first {uid, gid, resident}: who commands run as, and the container's resident pids (null: find
 *        them, this is the container's first server); then {id, command, cwd} runs `bash -c command`,
 *        one at a time; {kill: id} kills it
 *   out: {ready, resident}; {id, data}; {id, exit, signal, oom, pids} (cgroup limit counters)
 * Commands run as uid:gid, without capabilities unless that is root. The server makes itself
 * non-dumpable (an effective gid change does that), so its /proc files (fd, mem, environ) need
 * CAP_SYS_PTRACE, which no command has: a command, even as root, cannot write forged frames to its
 * output. When a command exits or is killed, every process but the resident set and the server is
 * killed (process-tree.ts); a restarted server does the same before it is ready, so nothing a command
 * started survives it, even after the command killed the server.
 */
export const EXEC_SERVER_SCRIPT = `
process.setegid(65534);
process.setegid(0);
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const KILL_STRAYS = ${JSON.stringify(killStraysArgv([]))};
const RESIDENTS = ${JSON.stringify(residentsArgv())};
const COUNTERS = [
  ['oom', '/sys/fs/cgroup/memory.events', 'oom_kill'],
  ['oom', '/sys/fs/cgroup/memory/memory.oom_control', 'oom_kill'],
  ['pids', '/sys/fs/cgroup/pids.events', 'max'],
  ['pids', '/sys/fs/cgroup/pids/pids.events', 'max'],
];
const send = (message) => process.stdout.write(JSON.stringify(message) + '\\n');
function counters() {
  const found = { oom: 0, pids: 0 };
  for (const [name, file, key] of COUNTERS) {
    try {
      const match = new RegExp('^' + key + ' (\\\\d+)$', 'm').exec(fs.readFileSync(file, 'utf8'));
      if (match) found[name] = Number(match[1]);
    } catch {}
  }
  return found;
}
let config;
let current;
const queue = [];
function killStrays() {
  spawnSync(KILL_STRAYS[0], [...KILL_STRAYS.slice(1), ...config.resident, process.pid], { stdio: 'ignore' });
}
function next() {
  if (current || queue.length === 0) return;
  const { id, command, cwd } = (current = queue.shift());
  const child = spawn('bash', ['-c', command], { cwd, uid: config.uid, gid: config.gid, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (data) => send({ id, data }));
  }
  child.on('error', (error) => send({ id, data: String(error.message) + '\\n' }));
  child.on('exit', killStrays);
  child.on('close', (exit, signal) => {
    send({ id, exit, signal, ...counters() });
    current = undefined;
    next();
  });
}
function kill(id) {
  if (current && current.id === id) return killStrays();
  const queued = queue.findIndex((request) => request.id === id);
  if (queued >= 0) {
    queue.splice(queued, 1);
    send({ id, exit: null, signal: 'SIGKILL', ...counters() });
  }
}
function residents() {
  return spawnSync(RESIDENTS[0], RESIDENTS.slice(1), { encoding: 'utf8' }).stdout.split('\\n').filter(Boolean).map(Number);
}
function configure(received) {
  config = { ...received, resident: received.resident || residents() };
  killStrays();
  send({ ready: true, resident: config.resident });
}
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  if (!config) configure(request);
  else if (request.kill) kill(request.kill);
  else {
    queue.push(request);
    next();
  }
}).on('close', () => process.exit(0));
`;

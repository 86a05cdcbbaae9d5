import { EXEC_MARKER } from './process-tree.js';

/**
 * A tiny command server that runs inside the container under the image's Node
 * (started once per session with `node -e`). Each `docker exec` costs a few
 * hundred milliseconds of engine and runtime work; spawning through this server
 * costs a few. Protocol, one JSON object per line:
 *   in:  {id, command, cwd} runs `bash -c command`; {kill: id} kills that command's process tree
 *   out: {ready: true}; {id, data}; {id, exit, signal, oom, pids} (cgroup limit counters)
 * When a command exits, processes it left behind are killed: they would hold its output open.
 */
export const EXEC_SERVER_SCRIPT = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const MARKER = ${JSON.stringify(EXEC_MARKER)};
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
function treeOf(id) {
  const needle = MARKER + '=' + id;
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync('/proc/' + entry + '/environ', 'utf8').split('\\0').includes(needle)) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}
function killTree(id) {
  for (let round = 0; round < 5; round++) {
    const pids = treeOf(id);
    if (pids.length === 0) return;
    for (const pid of pids) try { process.kill(pid, 'SIGKILL'); } catch {}
  }
}
function run({ id, command, cwd }) {
  const child = spawn('bash', ['-c', command], { cwd, env: { ...process.env, [MARKER]: id }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (data) => send({ id, data }));
  }
  child.on('error', (error) => send({ id, data: String(error.message) + '\\n' }));
  child.on('exit', () => killTree(id));
  child.on('close', (exit, signal) => send({ id, exit, signal, ...counters() }));
}
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  if (request.kill) killTree(request.kill);
  else run(request);
}).on('close', () => process.exit(0));
send({ ready: true });
`;

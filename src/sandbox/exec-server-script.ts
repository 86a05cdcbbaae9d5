import { EXEC_MARKER } from './process-tree.js';

/**
 * A tiny command server that runs inside the container under the image's Node
 * (started once per session with `node -e`). Each `docker exec` costs a few
 * hundred milliseconds of engine and runtime work; spawning through this server
 * costs a few. Protocol, one JSON object per line:
 *   in:  {id, command, cwd} runs `bash -c command`; {kill: id} kills that command's process tree
 *   out: {ready: true}; {id, data}; {id, exit, signal, oom, pids} (cgroup limit counters)
 * When a command exits, processes it left behind are killed: they would hold its output open. Once no
 * command is running, orphans (re-parented to init) are killed too: a process that shed the marker
 * (\`env -i\`) must not live on to race the harness's file operations in the workspace.
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
function orphans() {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\\d+$/.test(entry) || Number(entry) === process.pid || resident.has(Number(entry))) continue;
    try {
      const stat = fs.readFileSync('/proc/' + entry + '/stat', 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === '1') pids.push(Number(entry));
    } catch {}
  }
  return pids;
}
function killOrphans() {
  for (let round = 0; round < 5; round++) {
    const pids = orphans();
    if (pids.length === 0) return;
    for (const pid of pids) try { process.kill(pid, 'SIGKILL'); } catch {}
  }
}
// Children of init when the server started (the container's own keep-alive process) are not orphans.
const resident = new Set();
for (const pid of orphans()) resident.add(pid);
let running = 0;
function run({ id, command, cwd }) {
  running++;
  const child = spawn('bash', ['-c', command], { cwd, env: { ...process.env, [MARKER]: id }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (data) => send({ id, data }));
  }
  child.on('error', (error) => send({ id, data: String(error.message) + '\\n' }));
  child.on('exit', () => {
    killTree(id);
    if (--running === 0) killOrphans();
  });
  child.on('close', (exit, signal) => send({ id, exit, signal, ...counters() }));
}
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  if (request.kill) killTree(request.kill);
  else run(request);
}).on('close', () => process.exit(0));
send({ ready: true });
`;

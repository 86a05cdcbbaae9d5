import { startScriptedProvider } from './dist/test/scripted-provider/server.js';
import { lastToolResult } from './dist/test/scripted-provider/script.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
const server = await startScriptedProvider((turn) => {
  const last = lastToolResult(turn);
  if (!last) return { toolCalls: [{ name: 'terminal', arguments: { command: 'echo "env=[$NODE_ENV]"' } }] };
  return { text: `Command said ${last.content.split('\n')[0]}` };
});
const repo = mkdtempSync('/tmp/repro-'); execFileSync('git', ['init', '-q'], { cwd: repo });
const bin = process.argv[2];
execFileSync('tmux', ['new-session', '-d', '-s', 'repro', '-x', '100', '-y', '30', `cd ${repo} && OPENAI_API_KEY=k CI=true ${process.execPath} ${bin} --provider openai --base-url ${server.openaiBaseUrl} --sandbox none --yolo; sleep 30`]);
await new Promise((r) => setTimeout(r, 2500));
execFileSync('tmux', ['send-keys', '-t', 'repro', 'show env', 'Enter']);
await new Promise((r) => setTimeout(r, 5000));
console.log(execFileSync('tmux', ['capture-pane', '-p', '-t', 'repro'], { encoding: 'utf8' }).replace(/\n+$/,''));
execFileSync('tmux', ['kill-session', '-t', 'repro']);
await server.close();

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import { scriptSequence } from './scripted-provider/script.js';
import { runCli } from './support/cli.js';
import { makeGitRepo } from './support/git-repo.js';
import { isRunning } from './support/processes.js';

let server: ScriptedProvider | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Counts lines holding a key value (the pattern does not match itself, which the
 * session record holds) in the agent's environment block, every
 * process's, the command's own, and the files the agent holds open; then the agent's command line.
 */
const HUNT =
  "cat /proc/$PPID/environ | tr '\\0' '\\n' | grep -c KEYVALUE[-]; " +
  "for p in /proc/[0-9]*; do { tr '\\0' '\\n' < $p/environ; } 2>/dev/null; done | grep -c KEYVALUE[-]; " +
  'env | grep -c KEYVALUE[-]; ' +
  'for f in /proc/$PPID/fd/*; do [ -f "$f" ] && cat "$f"; done 2>/dev/null | grep -c KEYVALUE[-]; ' +
  'tr "\\0" " " < /proc/$PPID/cmdline';

describe.skipIf(process.platform !== 'linux')('--sandbox none: the model key stays with the harness', () => {
  it('no process on the host can read a key, configured names included; the provider still gets it', async () => {
    server = await startScriptedProvider(
      scriptSequence(
        // A server that echoes the key it was sent in an error (some proxies do): logged and retried, never shown.
        { fault: 'http', status: 503, body: { error: { message: 'overloaded; key was KEYVALUE-work' } } },
        { toolCalls: [{ name: 'terminal', arguments: { command: HUNT } }] },
        {
          toolCalls: [
            {
              name: 'terminal',
              arguments: {
                command: "setsid sh -c 'echo $$ > escapee.pid; exec sleep 30' >/dev/null 2>&1 & sleep 0.2",
              },
            },
          ],
        },
        { text: 'done' },
      ),
    );
    const config = path.join(mkdtempSync(path.join(tmpdir(), 'agent-config-')), 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        provider: 'work',
        providers: {
          work: { type: 'anthropic', baseUrl: server.anthropicBaseUrl, apiKeyEnv: 'WORK_ANTHROPIC_KEY' },
        },
      }),
    );
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const stateHome = mkdtempSync(path.join(tmpdir(), 'agent-state-'));
    const r = await runCli(
      ['-p', '--output-format', 'stream-json', '--sandbox', 'none', '--yolo', '--debug', 'look around'],
      {
        cwd: repo,
        env: {
          XDG_STATE_HOME: stateHome,
          AGENT_CONFIG: config,
          WORK_ANTHROPIC_KEY: 'KEYVALUE-work',
          OPENAI_API_KEY: 'KEYVALUE-openai',
          ANTHROPIC_AUTH_TOKEN: 'KEYVALUE-token',
        },
      },
    );
    expect(r.code).toBe(0);
    const hunt = r.events.find((e) => e.type === 'tool_call_end');
    expect(hunt?.type === 'tool_call_end' && hunt.output).toMatch(/^0\n0\n0\n0\n\S*node\S* \S*bin\/agent /);
    expect(r.stdout).not.toContain('KEYVALUE-');
    // Nor does what the run leaves behind: the debug log and the session record.
    const kept = readdirSync(stateHome, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(kept.map((e) => e.name)).toEqual(expect.arrayContaining([expect.stringMatching(/\.jsonl$/)]));
    for (const file of kept)
      expect(readFileSync(path.join(file.parentPath, file.name), 'utf8')).not.toContain('KEYVALUE-');
    for (const request of server.requests) expect(JSON.stringify(request.headers)).toContain('KEYVALUE-work');
    // Nothing the commands started outlives the run, not even a process that left their session.
    expect(isRunning(Number(readFileSync(path.join(repo, 'escapee.pid'), 'utf8')))).toBe(false);
  });
});

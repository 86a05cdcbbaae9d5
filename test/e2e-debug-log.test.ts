import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexFileFor } from '../src/context/retrieval/index-store.js';
import { scriptSequence, toolCall, type ScriptStep } from './scripted-provider/script.js';
import { runAgent, type CliRun } from './support/cli.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';

const provider = scriptedProviderPerTest();

const KEY = 'sk-debuglog-0123456789abcdef';

interface Dirs {
  repo: string;
  state: string;
  cache: string;
}

interface Run extends CliRun {
  state: string;
}

/** `agent -p` over OpenAI's protocol, with its own state and cache directories and a recognisable key. */
async function run(
  steps: ScriptStep[],
  flags: string[],
  prepare?: (dirs: Dirs) => void,
  env: Record<string, string> = {},
) {
  const repo = makeGitRepo(failingAddProject);
  const state = mkdtempSync(path.join(tmpdir(), 'agent-state-'));
  const cache = mkdtempSync(path.join(tmpdir(), 'agent-cache-'));
  prepare?.({ repo, state, cache });
  const server = await provider.start(scriptSequence(...steps));
  const r = await runAgent(server, 'openai', {
    cwd: repo,
    task: 'fix the failing test',
    flags,
    env: { OPENAI_API_KEY: KEY, XDG_STATE_HOME: state, AGENT_CACHE_DIR: cache, ...env },
  });
  return { ...r, state } satisfies Run;
}

type Line = Record<string, unknown> & { type: string };

/** The log whose path the run printed; it must be in the state directory. */
function logOf(r: Run): { text: string; lines: Line[] } {
  const printed = /agent: debug log: (\S+)/.exec(r.stderr)?.[1];
  expect(printed, r.stderr).toBeDefined();
  expect(path.dirname(printed!)).toBe(path.join(r.state, 'agent', 'logs'));
  const text = readFileSync(printed!, 'utf8');
  return {
    text,
    lines: text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Line),
  };
}

describe('agent --debug', () => {
  it('logs recovered errors, request timings, retries and model routing to a file in the state directory', async () => {
    const r = await run(
      [
        { fault: '429', retryAfterSeconds: 0 },
        toolCall('read', { path: 'src/math.js' }),
        toolCall('read', { path: 'src/missing.js' }),
        { text: 'done' },
      ],
      ['--debug', '--fast-model', 'fast-model'],
      // A corrupt index cache is rebuilt without a word: only the debug log tells.
      ({ cache, repo }) => {
        const file = indexFileFor(realpathSync(repo), cache);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, '{"version": 3, "files": [');
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const { lines } = logOf(r);

    expect(lines[0]).toMatchObject({ type: 'start' });
    expect(lines.at(-1)).toMatchObject({ type: 'end' });
    expect(lines).toContainEqual(
      expect.objectContaining({
        type: 'swallowed',
        where: 'retrieval: loading the index cache',
        error: expect.objectContaining({ name: 'SyntaxError' }),
      }),
    );

    const requests = lines.filter((l) => l.type === 'request');
    expect(requests[0]).toMatchObject({ attempt: 1, outcome: 'rate_limit' });
    expect(requests.slice(1).map((l) => [l.model, l.attempt, l.outcome])).toEqual([
      [expect.any(String), 2, 'ok'],
      ['fast-model', 1, 'ok'],
      ['fast-model', 1, 'ok'],
    ]);
    for (const request of requests) expect(request.duration_ms).toEqual(expect.any(Number));
    expect(requests[1]!.usage).toMatchObject({
      input_tokens: expect.any(Number),
      output_tokens: expect.any(Number),
    });
    expect(lines.filter((l) => l.type === 'retry')).toEqual([
      expect.objectContaining({ attempt: 1, delay_ms: 0, reason: expect.stringMatching(/^rate_limit:/) }),
    ]);

    // The main model plans, the fast one digests a successful read, and retries a failed one once.
    expect(lines.filter((l) => l.type === 'route').map((l) => [l.model === 'fast-model', l.reason])).toEqual([
      [false, 'first_turn'],
      [true, 'routine'],
      [true, 'tool_error'],
    ]);
  });

  it('never writes a model key, even one the server echoes back in an error', async () => {
    const r = await run(
      [(turn) => Promise.reject(new Error(`invalid credentials: ${String(turn.headers.authorization)}`))],
      ['--debug'],
    );
    expect(r.code).not.toBe(0);
    const { text, lines } = logOf(r);
    expect(text).not.toContain(KEY);
    // The echo did reach the log, redacted: the check above had something to find.
    expect(lines).toContainEqual(
      expect.objectContaining({ type: 'request', error: expect.stringContaining('Bearer [OPENAI_API_KEY]') }),
    );
  });

  it("writes the provider SDK's own log (OPENAI_LOG=debug) to the debug log, never to the terminal", async () => {
    const r = await run([{ text: 'done' }], ['--debug'], undefined, { OPENAI_LOG: 'debug' });
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((line) => line && !line.startsWith('agent: '))).toEqual([]);
    expect(r.stdout.split('\n').filter((line) => line && !line.startsWith('{'))).toEqual([]);
    const { text, lines } = logOf(r);
    expect(lines).toContainEqual(expect.objectContaining({ type: 'sdk', level: 'debug' }));
    expect(text).not.toContain(KEY);
  });

  it('keeps the newest 20 logs, and nothing else in the directory is touched', async () => {
    const old = Array.from(
      { length: 25 },
      (_, i) => `2020-01-01T00-00-${String(i).padStart(2, '0')}-000Z-100.log`,
    );
    const r = await run([{ text: 'done' }], ['--debug'], ({ state }) => {
      const logs = path.join(state, 'agent', 'logs');
      mkdirSync(logs, { recursive: true });
      for (const name of [...old, '0-notes.txt']) writeFileSync(path.join(logs, name), '');
    });
    const current = path.basename(/agent: debug log: (\S+)/.exec(r.stderr)![1]!);
    expect(readdirSync(path.join(r.state, 'agent', 'logs')).sort()).toEqual(
      [...old.slice(-19), current, '0-notes.txt'].sort(),
    );
  });

  it('writes no log without --debug', async () => {
    const r = await run([{ text: 'done' }], []);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('debug log');
    expect(existsSync(path.join(r.state, 'agent', 'logs'))).toBe(false);
  });
});

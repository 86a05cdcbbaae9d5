import { mkdtempSync, readdirSync, readFileSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastUserText, scriptSequence, toolCall } from './scripted-provider/script.js';
import type { ReceivedTurn, ScriptedReply, WireProtocol } from './scripted-provider/types.js';
import { runAgent, runCli, type AgentRunOptions, type CliRun } from './support/cli.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';
import { repoWithState } from './support/repo-with-state.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';

const provider = scriptedProviderPerTest();

function run(protocol: WireProtocol, options: AgentRunOptions) {
  return runAgent(provider.current(), protocol, options);
}

/** The session file of the state directory (checking there are `count` of them). */
function sessionFileIn(stateHome: string, count = 1): string {
  const root = path.join(stateHome, 'agent', 'sessions');
  const files = readdirSync(root).flatMap((repo) =>
    readdirSync(path.join(root, repo)).map((name) => path.join(root, repo, name)),
  );
  expect(files).toHaveLength(count);
  return files[0]!;
}

/**
 * What a provider caches: the system prompt, the tools and the messages. The
 * cache breakpoint marker moves to the newest message with every request, so
 * it is left out; everything else must be the same bytes.
 */
function cachedPrefix(turn: ReceivedTurn, messages: number): string {
  const body = turn.body as { system?: unknown; tools?: unknown; messages: unknown[] };
  return JSON.stringify(
    { system: body.system, tools: body.tools, messages: body.messages.slice(0, messages) },
    (key, value: unknown) => (key === 'cache_control' ? undefined : value),
  );
}

const wireMessages = (turn: ReceivedTurn): unknown[] => (turn.body as { messages: unknown[] }).messages;

describe('sessions on disk', () => {
  it.each<WireProtocol>(['anthropic', 'openai'])(
    'a session resumed with -p --resume ID sends the earlier conversation byte for byte (%s)',
    async (protocol) => {
      const { repo, env } = repoWithState();
      const thinking = protocol === 'anthropic';
      const think = (reply: ScriptedReply, n: number): ScriptedReply =>
        thinking ? { ...reply, thinking: `Reasoning ${n}.` } : reply;
      const server = await provider.start(
        scriptSequence(
          think(toolCall('read', { path: 'src/math.js' }), 0),
          think(toolCall('edit', { path: 'src/math.js', old_string: 'a - b', new_string: 'a + b' }), 1),
          think({ text: 'Fixed add.' }, 2),
          think({ text: 'Added a test.' }, 3),
        ),
      );
      const first = await run(protocol, { cwd: repo, env, task: 'fix add' });
      expect(first.result).toMatchObject({ status: 'success', turns: 3 });
      const id = first.result!.session_id;
      // A rebuilt system prompt would differ: its repository map would now list this file.
      writeFileSync(path.join(repo, 'src/late.js'), 'export function lateArrival(x) {\n  return x;\n}\n');

      const resumed = await run(protocol, {
        cwd: repo,
        env,
        task: 'now add a test',
        flags: ['--resume', id.slice(0, 8)],
      });

      expect(resumed.result).toMatchObject({
        status: 'success',
        session_id: id,
        turns: 4,
        text: 'Added a test.',
      });
      const [original, next] = [server.requests[2]!, server.requests[3]!];
      const sent = wireMessages(original).length;
      expect(cachedPrefix(next, sent)).toBe(cachedPrefix(original, sent));
      // After the prefix: the recorded answer, then the new message.
      expect(wireMessages(next)).toHaveLength(sent + 2);
      expect(next.messages.at(-2)).toMatchObject({ role: 'assistant', content: 'Fixed add.' });
      expect(lastUserText(next)).toBe('now add a test');
      // The edit of a file read in the first run is still allowed: the read records came back too.
      expect(readFileSync(path.join(repo, 'src/math.js'), 'utf8')).toContain('a + b');
    },
  );

  it('a resumed session goes on counting its cost, while --max-budget-usd limits what this run spends', async () => {
    const { repo, env } = repoWithState();
    const sized = { usage: { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0 } };
    await provider.start(
      scriptSequence(
        { ...toolCall('read', { path: 'src/math.js' }), ...sized },
        { text: 'Read it.', ...sized },
        { text: 'Again.', ...sized },
      ),
    );
    const flags = ['-m', 'gpt-5'];
    const first = await run('openai', { cwd: repo, env, task: 'read math', flags });
    const spent = first.result!.usage.cost_usd!;
    expect(spent).toBeCloseTo(0.0045, 6);

    const resumed = await run('openai', {
      cwd: repo,
      env,
      task: 'once more',
      flags: [...flags, '--continue', '--max-budget-usd', String(spent * 0.9)],
    });
    expect(resumed.result).toMatchObject({ status: 'success', text: 'Again.' });
    expect(resumed.result!.usage.cost_usd).toBeCloseTo(spent + 0.00225, 6);
  });

  it('a resumed session numbers its turns on from the recorded ones, also when the last changed no file', async () => {
    const { repo, env } = repoWithState();
    await provider.start(
      scriptSequence({ text: 'Hi.' }, toolCall('write', { path: 'b.txt', content: 'bee\n' }), {
        text: 'Made b.',
      }),
    );
    const first = await run('openai', { cwd: repo, env, task: 'say hi' });
    const resumed = await run('openai', { cwd: repo, env, task: 'make b', flags: ['--continue'] });
    const turns = (r: CliRun) => r.events.flatMap((e) => (e.type === 'user_turn' ? [e.turn] : []));
    expect(turns(first)).toEqual([1]);
    expect(turns(resumed)).toEqual([2]);
  });

  it('--continue resumes the latest session of the repository', async () => {
    const { repo, env } = repoWithState();
    const server = await provider.start((turn) => ({ text: `answer to ${lastUserText(turn)}` }));
    await run('openai', { cwd: repo, env, task: 'first task' });
    const second = await run('openai', { cwd: repo, env, task: 'second task' });

    const continued = await run('openai', { cwd: repo, env, task: 'third task', flags: ['--continue'] });

    expect(continued.result).toMatchObject({ status: 'success', session_id: second.result!.session_id });
    const users = server.requests.at(-1)!.messages.flatMap((m) => (m.role === 'user' ? [m.content] : []));
    expect(users).toEqual(['second task', 'third task']);
  });

  it('lists sessions (text and --json), shows a transcript and removes a session', async () => {
    const { repo, env } = repoWithState();
    await provider.start(
      scriptSequence(
        toolCall('read', { path: 'src/math.js' }),
        toolCall('edit', { path: 'src/math.js', old_string: 'a - b', new_string: 'a + b' }),
        { text: 'Fixed add.' },
        { text: 'Nothing to do.' },
      ),
    );
    const fixed = await run('openai', { cwd: repo, env, task: 'fix add' });
    const idle = await run('openai', { cwd: repo, env, task: 'say hello' });
    const cli = (...args: string[]) => runCli(args, { cwd: repo, env });

    const listed = await cli('sessions', '--json');
    const sessions = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(sessions).toMatchObject([
      { id: idle.result!.session_id, messages: 1, model_calls: 1, first_message: 'say hello' },
      {
        id: fixed.result!.session_id,
        messages: 1,
        model_calls: 3,
        first_message: 'fix add',
        changed_files: ['src/math.js'],
      },
    ]);
    // Counted as /undo counts turns: the user's messages, not the model calls made for them.
    expect(sessions[0]).not.toHaveProperty('turns');
    const text = await cli('sessions');
    expect(text.stdout).toContain(`${fixed.result!.session_id.slice(0, 8)}`);
    expect(text.stdout).toMatch(/ 1 message\s+fix add\s+\[src\/math\.js\]/);

    const shown = await cli('sessions', 'show', fixed.result!.session_id.slice(0, 6));
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('> fix add');
    expect(shown.stdout).toContain('edit src/math.js');
    expect(shown.stdout).toContain('Fixed add.');

    expect((await cli('sessions', 'rm', fixed.result!.session_id)).code).toBe(0);
    const after = await cli('sessions', '--json');
    expect(after.stdout.trim().split('\n')).toHaveLength(1);
    expect(after.stdout).toContain(idle.result!.session_id);
  });

  it("lists only this repository's sessions, and every repository's with --all", async () => {
    const { repo, env } = repoWithState();
    const other = makeGitRepo(failingAddProject);
    await provider.start(() => ({ text: 'Nothing to do.' }));
    const here = await run('openai', { cwd: repo, env, task: 'here' });
    const there = await run('openai', { cwd: other, env, task: 'there' });
    const ids = async (...args: string[]) =>
      (await runCli(['sessions', '--json', ...args], { cwd: repo, env })).stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(await ids()).toEqual([here.result!.session_id]);
    expect((await ids('--all')).sort()).toEqual([here.result!.session_id, there.result!.session_id].sort());
    // Piped into a reader that stops early (`agent sessions | head -1`): a quiet end, not a crash.
    const cut = await runCli(['sessions', '--all'], {
      cwd: repo,
      env,
      onSpawn: (child) => child.stdout!.destroy(),
    });
    expect(cut.code).toBe(0);
    expect(cut.stderr).not.toMatch(/EPIPE|at /);
  });

  it('resumes from the last complete state when the file ends in a torn line', async () => {
    const { repo, env } = repoWithState();
    const server = await provider.start(
      scriptSequence(
        toolCall('read', { path: 'src/math.js' }),
        { text: 'It subtracts.' },
        { text: 'Still here.' },
      ),
    );
    await run('openai', { cwd: repo, env, task: 'what does add do?' });
    const file = sessionFileIn(env.XDG_STATE_HOME!);
    // Cut the file in the middle of the state line that holds the answer, as a kill mid-write would.
    const text = readFileSync(file, 'utf8');
    const answerState = text.indexOf('"type":"state"', text.indexOf('It subtracts.'));
    const lineStart = text.lastIndexOf('\n', answerState) + 1;
    truncateSync(file, Buffer.byteLength(text.slice(0, lineStart + 40)));

    const resumed = await run('openai', { cwd: repo, env, task: 'go on', flags: ['--continue'] });

    expect(resumed.result).toMatchObject({ status: 'success', text: 'Still here.' });
    // The conversation ends where the last complete state line did: after the read's result.
    expect(server.requests.at(-1)!.messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'user',
    ]);
  });

  it('a session killed in the middle of a command continues from the last turn boundary', async () => {
    const { repo, env } = repoWithState();
    const server = await provider.start(
      scriptSequence(
        toolCall('terminal', { command: 'echo one' }),
        toolCall('terminal', { command: 'sleep 20' }),
        {
          text: 'Continuing.',
        },
      ),
    );
    const killed = await run('openai', {
      cwd: repo,
      env,
      task: 'count slowly',
      onSpawn: (child) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('"tool_call_start"') && chunk.toString().includes('sleep 20'))
            child.kill('SIGKILL');
        });
      },
    });
    expect(killed.code).toBeNull();

    const resumed = await run('openai', { cwd: repo, env, task: 'go on', flags: ['--continue'] });

    expect(resumed.result).toMatchObject({ status: 'success', text: 'Continuing.' });
    const messages = server.requests.at(-1)!.messages;
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    const calls = messages.flatMap((m) => (m.role === 'assistant' ? m.toolCalls.map((c) => c.id) : []));
    const answered = messages.flatMap((m) => (m.role === 'tool' ? [m.toolCallId] : []));
    expect(answered).toEqual(calls);
  });

  it('a session open in one agent is refused by a second (--continue, sessions rm), and free once it ends', async () => {
    const { repo, env } = repoWithState();
    await provider.start(
      scriptSequence(
        toolCall('terminal', { command: 'sleep 3' }),
        { text: 'Slept.' },
        { text: 'Continued.' },
      ),
    );
    let refused: [CliRun, CliRun] | undefined;
    const first = await run('openai', {
      cwd: repo,
      env,
      task: 'sleep a little',
      onSpawn: (child) => {
        let asked = false;
        let seen = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (asked || !seen.includes('"tool_call_start"')) return;
          asked = true;
          const id = /"session_id":"([^"]+)"/.exec(seen)![1]!;
          const second = run('openai', { cwd: repo, env, task: 'me too', flags: ['--continue'] });
          const removal = runCli(['sessions', 'rm', id], { cwd: repo, env });
          void Promise.all([second, removal]).then((runs) => (refused = runs));
        });
      },
    });
    expect(first.result).toMatchObject({ status: 'success', text: 'Slept.' });
    await expect.poll(() => refused).toBeDefined();
    const [second, removal] = refused!;
    for (const attempt of [second, removal]) {
      expect(attempt.code).toBe(1);
      expect(attempt.stderr).toMatch(/is open in another agent \(pid \d+\)/);
      expect(attempt.stderr).not.toMatch(/\n\s+at /); // explained, not a stack trace
    }
    // Still one session, with only the first agent's turn in it.
    expect(readFileSync(sessionFileIn(env.XDG_STATE_HOME!), 'utf8')).not.toContain('me too');

    const later = await run('openai', { cwd: repo, env, task: 'now me', flags: ['--continue'] });
    expect(later.result).toMatchObject({ status: 'success', session_id: first.result!.session_id });
  });

  it('never writes a secret printed by a command into the session file', async () => {
    const { repo, env } = repoWithState();
    const token = `sk-ant-api03-${'Q7x'.repeat(12)}`;
    const server = await provider.start(
      scriptSequence(toolCall('terminal', { command: `echo "the key is ${token}"` }), {
        text: 'Printed it.',
      }),
    );
    const r = await run('openai', { cwd: repo, env, task: 'print the key' });
    expect(r.result).toMatchObject({ status: 'success' });
    // The model saw the output (the command ran); the record did not keep the value.
    expect(JSON.stringify(server.requests.at(-1)!.messages)).toContain(token);

    const record = readFileSync(sessionFileIn(env.XDG_STATE_HOME!), 'utf8');
    expect(record).toContain('the key is [secret hidden]');
    expect(record).not.toContain(token.slice(0, 20));
  });

  it('prunes sessions older than sessionRetentionDays at start', async () => {
    const { repo, env } = repoWithState();
    await provider.start(() => ({ text: 'ok' }));
    const ids: string[] = [];
    for (const task of ['one', 'two'])
      ids.push((await run('openai', { cwd: repo, env, task })).result!.session_id);
    const dir = path.dirname(sessionFileIn(env.XDG_STATE_HOME!, 2));
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
    utimesSync(path.join(dir, `${ids[0]}.jsonl`), daysAgo(50), daysAgo(50));
    utimesSync(path.join(dir, `${ids[1]}.jsonl`), daysAgo(35), daysAgo(35));
    // 35 days is past the default of 30 but inside the configured 40.
    const config = path.join(mkdtempSync(path.join(tmpdir(), 'agent-config-')), 'config.json');
    writeFileSync(config, JSON.stringify({ sessionRetentionDays: 40 }));

    const third = await run('openai', { cwd: repo, env: { ...env, AGENT_CONFIG: config }, task: 'three' });

    expect(readdirSync(dir).sort()).toEqual([`${ids[1]}.jsonl`, `${third.result!.session_id}.jsonl`].sort());
  });

  it('--resume without an id in print mode is a usage error that says where ids are', async () => {
    const { repo, env } = repoWithState();
    const server = await provider.start(() => ({ text: 'unused' }));
    const r = await run('openai', { cwd: repo, env, task: 'x', flags: ['--resume'], format: 'text' });
    expect(r.code).toBe(42);
    expect(r.stderr).toContain('agent sessions');
    expect(server.requests).toHaveLength(0);

    // Without a task, it is still --resume that is wrong, not the task that is missing.
    const alone = await run('openai', { cwd: repo, env, flags: ['--resume'], format: 'text' });
    expect(alone.code).toBe(42);
    expect(alone.stderr).toMatch(/--resume needs a session id/);
  });

  it('says when --resume took the task for a session id, instead of "no task given"', async () => {
    const { repo, env } = repoWithState();
    const server = await provider.start(() => ({ text: 'unused' }));
    const r = await run('openai', {
      cwd: repo,
      env,
      flags: ['--sandbox', 'none', '--yolo', '--resume'],
      sandbox: [],
      task: 'now add a test',
      format: 'text',
    });
    // The task came right after --resume: commander gave it to the option.
    expect(r.code).toBe(42);
    expect(r.stderr).toMatch(/--resume took "now add a test" as a session id; give the id before the task/);
    expect(server.requests).toHaveLength(0);
  });
});

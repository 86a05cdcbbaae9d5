import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptedProviderPerTest } from './support/scripted-server.js';
import { scriptSequence, toolCall, type ScriptStep } from './scripted-provider/script.js';
import type { WireProtocol } from './scripted-provider/types.js';
import type { AgentEvent } from '../src/core/events.js';
import { runAgent, runCli, type CliRun } from './support/cli.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';

const protocols: WireProtocol[] = ['openai', 'anthropic'];
const provider = scriptedProviderPerTest();

async function run(
  protocol: WireProtocol,
  steps: ScriptStep[],
  cwd: string,
  flags: string[] = [],
): Promise<CliRun> {
  const server = await provider.start(scriptSequence(...steps));
  return runAgent(server, protocol, { cwd, task: 'do the task', flags });
}

/** The tool results in order, as the model received them. */
const results = (r: CliRun) =>
  r.events.filter((e): e is Extract<AgentEvent, { type: 'tool_call_end' }> => e.type === 'tool_call_end');

describe.each(protocols)('tool rules end to end over %s', (protocol) => {
  it('edit: refuses unread files, shows the closest region on a miss, counts ambiguity, survives bad arguments, tolerates indentation drift', async () => {
    const repo = makeGitRepo(failingAddProject);
    const r = await run(
      protocol,
      [
        toolCall('edit', {
          path: 'src/math.js',
          old_string: '  return a - b;',
          new_string: '  return a + b;',
        }),
        toolCall('read', { path: 'src/math.js' }),
        toolCall('edit', {
          path: 'src/math.js',
          old_string: '  return a - c;\n}',
          new_string: '  return a + c;\n}',
        }),
        toolCall('edit', { path: 'src/math.js', old_string: '(a, b) {', new_string: '(x, y) {' }),
        toolCall('edit', '{"path": "src/math.js", "old_string": "return a - b;", '),
        toolCall('edit', { path: 'src/math.js', new_string: 'x' }),
        toolCall('edit', {
          path: 'src/math.js',
          old_string: '      return a - b;',
          new_string: '      return a + b;',
        }),
        { text: 'done' },
      ],
      repo,
    );
    expect(r.code).toBe(0);
    const [unread, read, miss, ambiguous, malformed, invalid, drift] = results(r);
    expect(unread).toMatchObject({ is_error: true });
    expect(unread!.output).toMatch(/not been read|read it first/i);
    expect(read!.is_error).toBe(false);
    expect(miss!.is_error).toBe(true);
    expect(miss!.output).toMatch(/\b2\b/); // the closest region is around line 2
    expect(miss!.output).toContain('return a - b;');
    expect(ambiguous!.is_error).toBe(true);
    expect(ambiguous!.output).toMatch(/\b2\b/);
    expect(ambiguous!.output).toMatch(/\b1\b.*\b5\b/s);
    expect(malformed!.is_error).toBe(true);
    expect(malformed!.output).toMatch(/not valid JSON/);
    expect(invalid!.is_error).toBe(true);
    expect(invalid!.output).toMatch(/old_string/);
    expect(drift!.is_error).toBe(false);
    // Applied once, in the right place, with the file's own two-space indentation.
    expect(readFileSync(path.join(repo, 'src/math.js'), 'utf8')).toBe(
      failingAddProject['src/math.js']!.replace('  return a - b;', '  return a + b;'),
    );
  });

  it('edit keeps CRLF line endings when the model sends LF', async () => {
    const repo = makeGitRepo({ 'notes.txt': 'alpha\r\nbeta\r\ngamma\r\n' });
    const r = await run(
      protocol,
      [
        toolCall('read', { path: 'notes.txt' }),
        toolCall('edit', { path: 'notes.txt', old_string: 'alpha\nbeta', new_string: 'alpha\nBETA\nbeta2' }),
        { text: 'done' },
      ],
      repo,
    );
    expect(results(r)[1]!.is_error).toBe(false);
    expect(readFileSync(path.join(repo, 'notes.txt'), 'utf8')).toBe('alpha\r\nBETA\r\nbeta2\r\ngamma\r\n');
  });

  it('refuses every path that leaves the workspace, and the run goes on', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'agent-outside-'));
    writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET');
    const repo = makeGitRepo({ 'a.txt': 'inside\n' });
    symlinkSync(outside, path.join(repo, 'link'));
    const relativeOut = path.relative(repo, path.join(outside, 'secret.txt'));
    const r = await run(
      protocol,
      [
        toolCall('read', { path: relativeOut }),
        toolCall('read', { path: path.join(outside, 'secret.txt') }),
        toolCall('read', { path: 'link/secret.txt' }),
        toolCall('write', { path: '../escaped.txt', content: 'x' }),
        toolCall('write', { path: 'link/planted.txt', content: 'x' }),
        toolCall('list', { path: '..' }),
        toolCall('search', { query: 'SECRET', path: 'link' }),
        { text: 'done' },
      ],
      repo,
    );
    expect(r.code).toBe(0);
    const all = results(r);
    expect(all).toHaveLength(7);
    for (const result of all) {
      expect(result.is_error).toBe(true);
      expect(result.output).toMatch(/outside the workspace/);
      expect(result.output).not.toContain('TOP SECRET');
    }
    expect(existsSync(path.join(path.dirname(repo), 'escaped.txt'))).toBe(false);
    expect(existsSync(path.join(outside, 'planted.txt'))).toBe(false);
  });

  it('tells the model about a loop instead of running the same call a third time', async () => {
    const repo = makeGitRepo({ 'a.txt': 'needle\n' });
    const search = toolCall('search', { query: 'needle' });
    const r = await run(
      protocol,
      [search, search, toolCall('search', { query: 'needle' }), { text: 'done' }],
      repo,
    );
    const outputs = results(r).map((e) => e.output);
    expect(outputs[0]).toContain('a.txt:1');
    expect(outputs[1]).toContain('a.txt:1');
    expect(outputs[2]).toMatch(/loop detected/i);
    expect(r.code).toBe(0);
  });

  it('runs several read-only calls of one turn and answers each by id, in order', async () => {
    const repo = makeGitRepo({ 'a.txt': 'one\n', 'b.txt': 'two\n', 'c.txt': 'three\n' });
    const r = await run(
      protocol,
      [
        { toolCalls: ['a', 'b', 'c'].map((n) => ({ name: 'read', arguments: { path: `${n}.txt` } })) },
        (turn) => ({
          text: turn.messages
            .filter((m) => m.role === 'tool')
            .map((m) => m.content)
            .join('|'),
        }),
      ],
      repo,
    );
    expect(r.code).toBe(0);
    const starts = r.events.flatMap((e) => (e.type === 'tool_call_start' ? [e.id] : []));
    const answered = provider
      .current()
      .requests[1]!.messages.flatMap((m) => (m.role === 'tool' ? [m.toolCallId] : []));
    expect(answered).toEqual(starts);
    expect(r.result!.text).toMatch(/one[\s\S]*\|[\s\S]*two[\s\S]*\|[\s\S]*three/);
  });
});

describe('stopping conditions and bad usage', () => {
  it('stops at --max-turns with its own status and exit code', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const listing = (turn: { index: number }) => toolCall('list', { pattern: `*${turn.index}` });
    const r = await run('openai', [listing, listing, listing, listing, listing], repo, ['--max-turns', '3']);
    expect(r.code).toBe(53);
    expect(r.result).toMatchObject({ status: 'max_turns', is_error: true, turns: 3 });
    expect(r.result!.error).toBe('stopped after reaching the limit of 3 model turns');
    const one = await run('openai', [listing, listing], repo, ['--max-turns', '1']);
    expect(one.result!.error).toBe('stopped after reaching the limit of 1 model turn');
  });

  it.each([
    ['SIGTERM', 'stopped by SIGTERM'],
    ['SIGINT', 'interrupted by the user'],
  ] as const)('says who stopped a run: %s', async (signal, said) => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    await provider.start(scriptSequence(toolCall('terminal', { command: 'sleep 60' })));
    let pending = '';
    let sent = false;
    const r = await runAgent(provider.current(), 'openai', {
      cwd: repo,
      task: 'wait',
      onSpawn: (child) =>
        child.stdout!.on('data', (chunk: Buffer) => {
          pending += chunk.toString();
          if (sent || !pending.includes('"tool_call_start"')) return;
          sent = true;
          child.kill(signal);
        }),
    });
    expect(r.code).toBe(130);
    expect(r.result).toMatchObject({ status: 'interrupted', error: said });
  });

  it('says exactly what to set when no API key is configured', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const r = await runCli(['-p', '--provider', 'openai', '--sandbox', 'none', '--yolo', 'task'], {
      cwd: repo,
    });
    expect(r.code).toBe(42);
    expect(r.stderr).toContain('OPENAI_API_KEY');
    const anthropic = await runCli(
      [
        '-p',
        '--provider',
        'anthropic',
        '--sandbox',
        'none',
        '--yolo',
        '--output-format',
        'stream-json',
        'task',
      ],
      { cwd: repo },
    );
    expect(anthropic.code).toBe(42);
    expect(anthropic.stderr).toContain('ANTHROPIC_API_KEY');
    // A CI job parsing the stream still gets its result line.
    expect(anthropic.result).toMatchObject({ type: 'result', status: 'error', is_error: true });
    expect(anthropic.result!.error).toContain('ANTHROPIC_API_KEY');
  });

  it('never runs commands on the host in print mode without --yolo', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const r = await runCli(['-p', '--sandbox', 'none', 'task'], { cwd: repo, env: { OPENAI_API_KEY: 'k' } });
    expect(r.code).toBe(42);
    expect(r.stderr).toContain('--yolo');
  });

  it('rejects unknown flags and missing tasks as bad usage', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    expect((await runCli(['--no-such-flag'], { cwd: repo })).code).toBe(42);
    const noTask = await runCli(['-p'], { cwd: repo, env: { OPENAI_API_KEY: 'k' } });
    expect(noTask.code).toBe(42);
    expect(noTask.stderr).toMatch(/no task/);
    // A CI job still gets its result line when a flag is rejected, whichever way the format was given.
    for (const format of [['--output-format', 'json'], ['--output-format=stream-json']]) {
      const bad = await runCli(['-p', ...format, '--max-turns', 'zero', 'task'], { cwd: repo });
      expect(bad.code).toBe(42);
      expect(JSON.parse(bad.stdout)).toMatchObject({
        type: 'result',
        status: 'error',
        error: expect.stringMatching(/--max-turns/),
      });
    }
  });

  it('adds piped input to a given task as context', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const server = await provider.start(() => ({ text: 'seen' }));
    const r = await runAgent(server, 'openai', { cwd: repo, task: 'fix this', stdin: 'TypeError at line 3' });
    expect(r.code).toBe(0);
    expect(server.requests[0]!.messages[0]!.content).toMatch(
      /^fix this\n\n<stdin>\nTypeError at line 3\n<\/stdin>$/,
    );
  });

  it('prints only the result object with --output-format json, and only the answer with text', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const server = await provider.start(() => ({ text: 'All good.' }));
    const json = await runAgent(server, 'openai', { cwd: repo, task: 'check', format: 'json' });
    expect(JSON.parse(json.stdout)).toMatchObject({
      type: 'result',
      status: 'success',
      text: 'All good.',
      turns: 1,
    });
    const text = await runAgent(server, 'openai', { cwd: repo, task: 'check', format: 'text' });
    expect(text.stdout).toBe('All good.\n');
    const piped = await runAgent(server, 'openai', { cwd: repo, format: 'text', stdin: 'task from stdin' });
    expect(piped.code).toBe(0);
    expect(server.requests.at(-1)!.messages[0]).toMatchObject({ role: 'user', content: 'task from stdin' });
  });
});

describe('instructions and interruption', () => {
  it("puts the repository's AGENTS.md into the system prompt verbatim", async () => {
    const rules = 'Always run `make check` before finishing.\nNever touch vendor/.';
    const repo = makeGitRepo({ 'AGENTS.md': rules, 'a.txt': 'x\n' });
    const r = await run('anthropic', [{ text: 'ok' }], repo);
    expect(r.code).toBe(0);
    expect(provider.current().requests[0]!.system).toContain(rules);
    expect(provider.current().requests[0]!.system).toMatch(/search[\s\S]*read[\s\S]*edit[\s\S]*verif/i);
  });

  it('never follows an instruction file that is a symlink out of the repository', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'agent-outside-'));
    writeFileSync(path.join(outside, 'credentials'), 'aws_secret_access_key = HOST-SECRET');
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    symlinkSync(path.join(outside, 'credentials'), path.join(repo, 'AGENTS.md'));
    const r = await run('openai', [{ text: 'ok' }], repo);
    expect(r.code).toBe(0);
    expect(provider.current().requests[0]!.system).not.toContain('HOST-SECRET');
  });

  it('Ctrl-C stops a running command, answers the call, and exits with 130', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const server = await provider.start(
      scriptSequence(toolCall('terminal', { command: 'sleep 60' }), { text: 'unreachable' }),
    );
    const started = performance.now();
    const r = await runAgent(server, 'openai', {
      cwd: repo,
      task: 'wait',
      onSpawn: (child) =>
        child.stdout!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('"tool_call_start"')) setTimeout(() => child.kill('SIGINT'), 200);
        }),
    });
    expect(r.code).toBe(130);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(r.result).toMatchObject({ status: 'interrupted', is_error: true });
    const end = results(r)[0]!;
    expect(end.is_error).toBe(true);
    expect(end.output).toMatch(/interrupt/i);
  });
});

describe('read-only calls end to end', () => {
  it('runs the reads of one turn at once: every one has started before the first ends', async () => {
    const repo = makeGitRepo(failingAddProject);
    const reads = ['src/math.js', 'test/math.test.js', 'package.json'].map((p) => ({
      name: 'read',
      arguments: { path: p },
    }));
    const r = await run('openai', [{ toolCalls: reads }, { text: 'done' }], repo);
    expect(r.code, r.stderr).toBe(0);
    const calls = r.events.filter((e) => e.type === 'tool_call_start' || e.type === 'tool_call_end');
    expect(calls.map((e) => e.type)).toEqual([
      ...reads.map(() => 'tool_call_start'),
      ...reads.map(() => 'tool_call_end'),
    ]);
    expect(results(r).map((e) => e.is_error)).toEqual([false, false, false]);
  });
});

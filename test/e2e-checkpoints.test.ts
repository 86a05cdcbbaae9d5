import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptSequence, toolCall } from './scripted-provider/script.js';
import type { ScriptedReply } from './scripted-provider/types.js';
import { agentBin, runAgent, runCli, type AgentRunOptions } from './support/cli.js';
import { failingAddProject } from './support/git-repo.js';
import { repoWithState } from './support/repo-with-state.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';
import { docker, needsDocker } from './support/docker.js';
import { hasTmux, Terminal } from './support/terminal.js';

const provider = scriptedProviderPerTest();

function run(options: AgentRunOptions) {
  return runAgent(provider.current(), 'anthropic', options);
}

const ORIGINAL_MATH = failingAddProject['src/math.js']!;
const ORIGINAL_TEST = failingAddProject['test/math.test.js']!;

/** One turn that changes files every way a model can: edit, write, and shell commands (rm, sed -i, a generated file). */
const changeEverything = (): ScriptedReply[] => [
  toolCall('read', { path: 'src/math.js' }),
  toolCall('edit', { path: 'src/math.js', old_string: 'a - b', new_string: 'a + b' }),
  toolCall('write', { path: 'src/extra.js', content: 'export const extra = 1;\n' }),
  toolCall('terminal', {
    command: "rm test/math.test.js && sed -i 's/multiply/times/' src/math.js && echo generated > gen.txt",
  }),
  { text: 'Done.' },
];

/** The parts of .git a careless tool would change: refs, index, config, hooks, packed-refs, HEAD. */
function gitFingerprint(repo: string): string {
  const hash = createHash('sha256');
  const visit = (relative: string): void => {
    const full = path.join(repo, '.git', relative);
    if (!existsSync(full)) return hash.update(`${relative}: missing\n`) as unknown as void;
    const info = lstatSync(full);
    if (info.isDirectory()) {
      hash.update(`${relative}/\n`);
      for (const name of readdirSync(full).sort()) visit(path.join(relative, name));
    } else hash.update(`${relative} ${info.mode}\n`).update(readFileSync(full));
  };
  for (const part of ['refs', 'index', 'config', 'hooks', 'packed-refs', 'HEAD', 'logs', 'info']) visit(part);
  return hash.digest('hex');
}

function expectOriginalFiles(repo: string): void {
  expect(readFileSync(path.join(repo, 'src/math.js'), 'utf8')).toBe(ORIGINAL_MATH);
  expect(readFileSync(path.join(repo, 'test/math.test.js'), 'utf8')).toBe(ORIGINAL_TEST);
  expect(existsSync(path.join(repo, 'src/extra.js'))).toBe(false);
  expect(existsSync(path.join(repo, 'gen.txt'))).toBe(false);
}

describe('checkpoints and agent undo', () => {
  it('restores what edit, write and shell commands changed, and leaves the user’s .git byte-identical', async () => {
    const { repo, env } = repoWithState();
    const before = gitFingerprint(repo);
    await provider.start(scriptSequence(...changeEverything()));
    const session = await run({ cwd: repo, env, task: 'change things' });
    expect(session.result).toMatchObject({ status: 'success' });
    expect(session.events.filter((e) => e.type === 'checkpoint')).toHaveLength(1);
    expect(readFileSync(path.join(repo, 'gen.txt'), 'utf8')).toBe('generated\n');

    const diff = await runCli(['diff'], { cwd: repo, env });
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('-  return a - b;');
    expect(diff.stdout).toContain('+  return a + b;');
    // A file the session created is diffed from nothing, as git shows it.
    expect(diff.stdout).toContain('--- /dev/null\n+++ b/gen.txt');
    expect(diff.stdout).not.toContain('\x1b['); // piped: plain
    // On a terminal (a pty from script(1)) it is coloured, unless NO_COLOR is set.
    const onTerminal = (extra: Record<string, string>) =>
      execFileSync('script', ['-qec', `'${process.execPath}' '${agentBin}' diff`, '/dev/null'], {
        cwd: repo,
        env: { ...process.env, NODE_ENV: '', ...env, ...extra },
        encoding: 'utf8',
      });
    const coloured = onTerminal({});
    expect(coloured).toContain('\x1b[');
    expect(coloured).toContain('return a + b;');
    expect(onTerminal({ NO_COLOR: '1' })).not.toContain('\x1b[');

    const undo = await runCli(['undo'], { cwd: repo, env });
    expect(undo.stderr).toBe('');
    expect(undo.code).toBe(0);
    expect(undo.stdout).toContain('restored: src/math.js, test/math.test.js');
    expect(undo.stdout).toContain('gen.txt');
    expectOriginalFiles(repo);
    expect(gitFingerprint(repo)).toBe(before);
    // After the fingerprint: git status refreshes the index.
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' })).toBe('');
  });

  it('forgets the checkpoints of removed sessions and undone turns, and the file versions only they kept', async () => {
    const { repo, env } = repoWithState();
    const write = (file: string, content: string): ScriptedReply[] => [
      toolCall('write', { path: file, content }),
      { text: `Wrote ${file}.` },
    ];
    await provider.start(
      scriptSequence(
        ...write('x.txt', 'only in A\n'),
        ...write('b.txt', 'only in B\n'),
        ...write('c.txt', 'c\n'),
      ),
    );
    const shadow = path.join(env.XDG_STATE_HOME!, 'agent', 'checkpoints');
    const git = (...args: string[]) => {
      const gitDir = path.join(
        shadow,
        readdirSync(shadow).find((name) => name.endsWith('.git'))!,
      );
      return spawnSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8' });
    };
    const stored = (content: string) =>
      git(
        'cat-file',
        '-e',
        execFileSync('git', ['hash-object', '--stdin'], { input: content, encoding: 'utf8' }).trim(),
      ).status === 0;
    const refs = () =>
      git('for-each-ref', '--format=%(refname)', 'refs/checkpoints/').stdout.split('\n').filter(Boolean);

    // A removed session: its refs and what only they kept go at the next session's first checkpoint.
    const a = await run({ cwd: repo, env, task: 'write x' });
    expect(stored('only in A\n')).toBe(true);
    writeFileSync(path.join(repo, 'x.txt'), 'by hand\n');
    expect((await runCli(['sessions', 'rm', a.result!.session_id], { cwd: repo, env })).code).toBe(0);
    const b = await run({ cwd: repo, env, task: 'write b' });
    const bRefs = [
      `refs/checkpoints/${b.result!.session_id}/1/after`,
      `refs/checkpoints/${b.result!.session_id}/1/before`,
    ];
    await expect.poll(refs).toEqual(bRefs);
    await expect.poll(() => stored('only in A\n')).toBe(false);

    // An undone turn: its objects go too, at the next tidy-up.
    expect(stored('only in B\n')).toBe(true);
    expect((await runCli(['undo'], { cwd: repo, env })).code).toBe(0);
    await run({ cwd: repo, env, task: 'write c' });
    await expect.poll(() => stored('only in B\n')).toBe(false);
    expect(stored('c\n')).toBe(true);
  });

  it('tells the model, when the session continues, which of its changes were undone', async () => {
    const { repo, env } = repoWithState();
    const server = await provider.start(
      scriptSequence(...changeEverything(), { text: 'Understood.' }, { text: 'Fine.' }),
    );
    await run({ cwd: repo, env, task: 'change things' });
    expect((await runCli(['undo'], { cwd: repo, env })).code).toBe(0);

    const continued = await run({ cwd: repo, env, task: 'try again', flags: ['--continue'] });

    expect(continued.result).toMatchObject({ status: 'success', text: 'Understood.' });
    const said = server.requests.at(-1)!.messages.at(-1)!;
    expect(said.role).toBe('user');
    const content = said.role === 'user' ? said.content : '';
    expect(content).toMatch(
      /^\[The user undid the file changes of your last request\. Put back as they were before: src\/math\.js, test\/math\.test\.js\. Removed \(they had been created then\): .*gen\.txt/,
    );
    expect(content.endsWith('try again')).toBe(true);
    // Said once: the next message goes without it.
    const again = await run({ cwd: repo, env, task: 'and now', flags: ['--continue'] });
    expect(again.result).toMatchObject({ status: 'success' });
    const last = server.requests.at(-1)!.messages.at(-1)!;
    expect(last).toMatchObject({ role: 'user', content: 'and now' });
  });

  it('refuses to overwrite a file changed by hand after the turn, naming it, and keeps it', async () => {
    const { repo, env } = repoWithState();
    await provider.start(scriptSequence(...changeEverything()));
    await run({ cwd: repo, env, task: 'change things' });
    writeFileSync(path.join(repo, 'src/math.js'), 'my own work\n');

    const refused = await runCli(['undo'], { cwd: repo, env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('src/math.js');
    expect(readFileSync(path.join(repo, 'src/math.js'), 'utf8')).toBe('my own work\n');
    expect(existsSync(path.join(repo, 'gen.txt'))).toBe(true); // nothing at all was changed

    const forced = await runCli(['undo', '--force'], { cwd: repo, env });
    expect(forced.code).toBe(0);
    expectOriginalFiles(repo);
  });

  it('undoes two turns of a resumed session with --turns 2', async () => {
    const { repo, env } = repoWithState();
    await provider.start(
      scriptSequence(
        toolCall('read', { path: 'src/math.js' }),
        toolCall('edit', { path: 'src/math.js', old_string: 'a - b', new_string: 'a + b' }),
        { text: 'Fixed.' },
        toolCall('write', { path: 'src/extra.js', content: 'export const extra = 1;\n' }),
        { text: 'Added.' },
      ),
    );
    const first = await run({ cwd: repo, env, task: 'fix add' });
    const id = first.result!.session_id;
    const second = await run({ cwd: repo, env, task: 'add extra', flags: ['--resume', id] });
    expect(second.events.find((e) => e.type === 'checkpoint')).toMatchObject({ turn: 2 });

    const one = await runCli(['undo', '--session', id.slice(0, 8)], { cwd: repo, env });
    expect(one.code).toBe(0);
    expect(existsSync(path.join(repo, 'src/extra.js'))).toBe(false);
    expect(readFileSync(path.join(repo, 'src/math.js'), 'utf8')).toContain('a + b');

    writeFileSync(path.join(repo, 'src/extra.js'), 'export const extra = 1;\n');
    await runCli(['undo', '--force'], { cwd: repo, env }); // nothing left but turn 1: back to the start
    expect(readFileSync(path.join(repo, 'src/math.js'), 'utf8')).toBe(ORIGINAL_MATH);
  });

  it('undoes a session killed in the middle of its turn', async () => {
    const { repo, env } = repoWithState();
    await provider.start(
      scriptSequence(
        toolCall('read', { path: 'src/math.js' }),
        toolCall('edit', { path: 'src/math.js', old_string: 'a - b', new_string: 'a + b' }),
        toolCall('terminal', { command: 'echo half > gen.txt && echo started && sleep 60' }),
        { text: 'never reached' },
      ),
    );
    await run({
      cwd: repo,
      env,
      task: 'fix add',
      onSpawn: (child) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          if (out.includes('"name":"terminal"') && existsSync(path.join(repo, 'gen.txt')))
            child.kill('SIGKILL');
        });
      },
    });
    expect(existsSync(path.join(repo, 'gen.txt'))).toBe(true);
    const undo = await runCli(['undo'], { cwd: repo, env });
    expect(undo.code).toBe(0);
    expect(undo.stdout).toContain('never finished');
    expect(readFileSync(path.join(repo, 'src/math.js'), 'utf8')).toBe(ORIGINAL_MATH);
    expect(existsSync(path.join(repo, 'gen.txt'))).toBe(false);
  });

  it('runs no filter driver or fsmonitor planted in .git/config, .gitattributes or the global config', async () => {
    const { repo, env } = repoWithState();
    const home = mkdtempSync(path.join(tmpdir(), 'agent-ckpt-home-'));
    const ran = path.join(home, 'ran');
    const planted = [
      '[core]',
      `\tfsmonitor = "echo fsmonitor >> ${ran}"`,
      '[filter "evil"]',
      `\tclean = "echo clean >> ${ran}; cat"`,
      `\tsmudge = "echo smudge >> ${ran}; cat"`,
      '',
    ].join('\n');
    writeFileSync(
      path.join(repo, '.git', 'config'),
      `${readFileSync(path.join(repo, '.git', 'config'), 'utf8')}${planted}`,
    );
    writeFileSync(path.join(home, '.gitconfig'), planted);
    writeFileSync(path.join(repo, '.gitattributes'), '* filter=evil\n');
    await provider.start(scriptSequence(...changeEverything()));
    const runEnv = { ...env, HOME: home };
    await run({ cwd: repo, env: runEnv, task: 'change things' });
    await runCli(['diff'], { cwd: repo, env: runEnv });
    const undo = await runCli(['undo'], { cwd: repo, env: runEnv });
    expect(undo.code).toBe(0);
    expectOriginalFiles(repo);
    expect(existsSync(ran)).toBe(false);
  });

  it('keeps symlinks as links and never follows one out of the workspace', async () => {
    const { repo, env } = repoWithState();
    const outside = mkdtempSync(path.join(tmpdir(), 'agent-ckpt-outside-'));
    writeFileSync(path.join(outside, 'secret.txt'), 'outside\n');
    execFileSync('ln', ['-s', outside, path.join(repo, 'out')]);
    await provider.start(
      scriptSequence(
        toolCall('terminal', { command: 'rm out && ln -s src out && echo changed > src/math.js' }),
        {
          text: 'Done.',
        },
      ),
    );
    await run({ cwd: repo, env, task: 'relink' });
    const undo = await runCli(['undo'], { cwd: repo, env });
    expect(undo.code).toBe(0);
    expect(readlinkSync(path.join(repo, 'out'))).toBe(outside);
    expect(readFileSync(path.join(repo, 'src/math.js'), 'utf8')).toBe(ORIGINAL_MATH);
    expect(readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('outside\n');
  });
});

describe.skipIf(!docker)('agent undo after a session in the Docker sandbox', needsDocker, () => {
  it('restores what edit, write and commands in the container changed', async () => {
    const { repo, env } = repoWithState();
    await provider.start(scriptSequence(...changeEverything()));
    const session = await run({ cwd: repo, env, task: 'change things', sandbox: ['--sandbox', 'docker'] });
    expect(session.result).toMatchObject({ status: 'success' });
    expect(readFileSync(path.join(repo, 'gen.txt'), 'utf8')).toBe('generated\n');
    const undo = await runCli(['undo'], { cwd: repo, env });
    expect(undo.code).toBe(0);
    expectOriginalFiles(repo);
  });
});

describe.skipIf(!hasTmux)('/undo and /rewind in the interactive session', () => {
  let terminal: Terminal | undefined;
  afterEach(() => terminal?.close());

  it('asks before overwriting a file changed by hand, undoes on y, and lists the turns for /rewind', async () => {
    const { repo, env } = repoWithState();
    const server = await provider.start(
      scriptSequence(
        toolCall('read', { path: 'src/math.js' }),
        toolCall('edit', { path: 'src/math.js', old_string: 'a - b', new_string: 'a + b' }),
        toolCall('write', { path: 'notes.txt', content: 'written by the turn\n' }),
        { text: 'Fixed add.' },
        { text: 'Heard.' },
      ),
    );
    terminal = Terminal.start(
      `agent-ckpt-${process.pid}`,
      repo,
      ['--provider', 'openai', '--base-url', server.openaiBaseUrl, '--sandbox', 'none', '--yolo'],
      { OPENAI_API_KEY: 'k', HOME: process.env.HOME ?? '/tmp', CI: 'true', ...env },
    );
    await terminal.waitFor(/message, \/help/, 20_000);
    terminal.type('fix add', 'Enter');
    await terminal.waitFor(/Fixed add\./, 15_000);
    // The turn's end state is recorded once the answer is in: the hand change comes after it, when the session is idle.
    while (terminal.screen().includes('Esc to interrupt'))
      await new Promise((resolve) => setTimeout(resolve, 100));
    writeFileSync(path.join(repo, 'notes.txt'), 'my own notes\n');

    terminal.type('/rewind', 'Enter');
    await terminal.waitFor(/1 {2}fix add/, 10_000);
    terminal.type('/undo', 'Enter');
    await terminal.waitFor(/overwriting changes made since/, 10_000);
    // A yes/no question naming the file it would overwrite: no "always" to give, no note for the model.
    const question = terminal.screen();
    expect(question).toMatch(/│ notes\.txt/);
    expect(question).toContain('y yes · n no');
    expect(question).not.toMatch(/always|Allow edit/);
    expect(readFileSync(path.join(repo, 'notes.txt'), 'utf8')).toBe('my own notes\n');
    terminal.type('n');
    expect(await terminal.waitFor(/undo cancelled: nothing was changed/, 10_000)).not.toMatch(/refused/);
    expect(readFileSync(path.join(repo, 'notes.txt'), 'utf8')).toBe('my own notes\n');
    terminal.type('/undo', 'Enter');
    await terminal.waitFor(/undo cancelled[\s\S]*overwriting changes made since/, 10_000);
    terminal.type('y');
    await terminal.waitFor(/undid turn 1/, 10_000);
    expect(readFileSync(path.join(repo, 'src/math.js'), 'utf8')).toBe(ORIGINAL_MATH);
    expect(existsSync(path.join(repo, 'notes.txt'))).toBe(false);
    // The conversation stayed: the model hears, with the next message, that its changes are gone.
    terminal.type('what now?', 'Enter');
    await terminal.waitFor(/Heard\./, 10_000);
    const said = server.requests.at(-1)!.messages.at(-1)!;
    expect(said.role === 'user' && said.content).toMatch(
      /^\[The user undid the file changes of your last request\. Put back as they were before: src\/math\.js\. Removed \(they had been created then\): notes\.txt\./,
    );
  });
});

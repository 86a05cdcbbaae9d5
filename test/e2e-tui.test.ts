import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import { lastToolResult, lastUserText } from './scripted-provider/script.js';
import type { Script } from './scripted-provider/types.js';
import { docker, needsDocker } from './support/docker.js';
import { makeGitRepo } from './support/git-repo.js';
import { hasTmux, Terminal } from './support/terminal.js';

let server: ScriptedProvider | undefined;
const terminals: Terminal[] = [];
afterEach(async () => {
  for (const terminal of terminals.splice(0)) terminal.close();
  await server?.close();
  server = undefined;
});

let counter = 0;
async function open(
  script: Script,
  cwd: string,
  flags: string[] = ['--sandbox', 'none', '--yolo'],
  env: Record<string, string> = {},
  /** Runs as soon as the program is started, before its first frame. */
  meanwhile: (terminal: Terminal) => void = () => {},
) {
  server = await startScriptedProvider(script);
  const terminal = Terminal.start(
    `agent-tui-${process.pid}-${++counter}`,
    cwd,
    ['--provider', 'openai', '--base-url', server.openaiBaseUrl, ...flags],
    {
      OPENAI_API_KEY: 'k',
      HOME: process.env.HOME ?? '/tmp',
      AGENT_CACHE_DIR: path.join(cwd, '..', 'cache'),
      // Set in many CI runners and some developer shells; ink alone would then draw nothing.
      CI: 'true',
      ...env,
    },
  );
  terminals.push(terminal);
  meanwhile(terminal);
  // The status line comes with the prompt's first frame (the prompt's hint only while it is empty).
  await terminal.waitFor(/ · ctx \d+% · /);
  return terminal;
}

const userCount = (turn: Parameters<Script>[0]) => turn.messages.filter((m) => m.role === 'user').length;

describe.skipIf(!hasTmux)('the interactive session in a real terminal', () => {
  it('opens without a task, streams answers, keeps the conversation for a follow-up, and exits on /exit', async () => {
    const repo = makeGitRepo({ 'a.txt': 'alpha\n' });
    const terminal = await open(
      (turn) => ({ text: `Answer ${userCount(turn)} to "${lastUserText(turn)}"` }),
      repo,
    );
    terminal.type('first question', 'Enter');
    await terminal.waitFor(/Answer 1 to "first question"/);
    terminal.type('/nonsense', 'Enter');
    await terminal.waitFor(/unknown command/i);
    terminal.type('a follow-up', 'Enter');
    await terminal.waitFor(/Answer 2 to "a follow-up"/);
    terminal.type('/exit', 'Enter');
    const final = await terminal.waitFor(/EXITED \d+/);
    expect(final).toMatch(/EXITED 0/);
    // The transcript stays in the terminal's scrollback, each answer once.
    expect(final.match(/Answer 1 to "first question"/g)).toHaveLength(1);
    // The unknown command never reached the model.
    expect(server!.requests.some((r) => JSON.stringify(r.messages).includes('/nonsense'))).toBe(false);
  });

  it('stops at --max-budget-usd with a notice, and shows the routed model and why in the status line', async () => {
    const repo = makeGitRepo({ 'a.txt': 'alpha\n' });
    const terminal = await open(() => ({ text: 'never sent' }), repo, [
      '--sandbox',
      'none',
      '--yolo',
      '-m',
      'gpt-5',
      '--max-budget-usd',
      '0.0001',
    ]);
    terminal.type('hello', 'Enter');
    const screen = await terminal.waitFor(/stopped \(budget\): stopped before turn 1/);
    expect(screen).toContain('gpt-5 (first turn)');
    expect(server!.requests).toHaveLength(0);
    terminal.type('/exit', 'Enter');
    expect(await terminal.waitFor(/EXITED \d+/)).toMatch(/EXITED 0/);
  });

  it('--continue shows the earlier turns above the prompt (an empty session in between is not kept), and the model gets them too', async () => {
    const repo = makeGitRepo({ 'a.txt': 'alpha\n' });
    const env = { XDG_STATE_HOME: mkdtempSync(path.join(tmpdir(), 'agent-state-')) };
    const script: Script = (turn) =>
      turn.messages.length > 1
        ? { text: 'Done reading.' }
        : { text: 'Reading it.', toolCalls: [{ name: 'read', arguments: { path: 'a.txt' } }] };
    const first = await open(script, repo, ['--sandbox', 'none', '--yolo'], env);
    first.type('what is in a.txt', 'Enter');
    await first.waitFor(/Done reading\./);
    first.type('/exit', 'Enter');
    await first.waitFor(/EXITED 0/);
    first.close();
    await server?.close();
    // Opened and left without a word: not a session worth keeping, nor the one --continue picks.
    const empty = await open(script, repo, ['--sandbox', 'none', '--yolo'], env);
    empty.type('/exit', 'Enter');
    await empty.waitFor(/EXITED 0/);
    empty.close();
    await server?.close();

    const second = await open(
      (turn) => ({ text: `Second answer after ${turn.messages.length - 1} earlier messages` }),
      repo,
      ['--sandbox', 'none', '--yolo', '--continue'],
      env,
    );
    // Before anything is typed: the earlier request, the tool call and the answer, then the resume notice.
    const screen = await second.waitFor(/Resumed session/);
    const order = ['what is in a.txt', 'read a.txt', 'Done reading.', 'Resumed session'].map((text) =>
      screen.indexOf(text),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    second.type('and now?', 'Enter');
    await second.waitFor(/Second answer after 4 earlier messages/);
  });

  it('a resumed session carries on where it stopped: totals, context, /model, markdown answers, and /rewind of earlier turns', async () => {
    const repo = makeGitRepo({ 'a.txt': 'alpha\n' });
    const env = { XDG_STATE_HOME: mkdtempSync(path.join(tmpdir(), 'agent-state-')) };
    const script: Script = (turn) => {
      if (lastUserText(turn) === 'make b' && turn.messages.at(-1)?.role === 'user')
        return { toolCalls: [{ name: 'write', arguments: { path: 'b.txt', content: 'bee\n' } }] };
      return {
        text: `Made **b.txt** for "${lastUserText(turn)}" (${turn.messages.filter((m) => m.role === 'user').length} user messages).`,
        usage: { inputTokens: 40_000, outputTokens: 1_000 },
      };
    };
    const first = await open(script, repo, ['--sandbox', 'none', '--yolo', '-m', 'gpt-5'], env);
    first.type('/model gpt-5-mini', 'Enter');
    await first.waitFor(/model: gpt-5-mini from the next call on/);
    first.type('make b', 'Enter');
    await first.waitFor(/Made b\.txt for "make b" \(1 user messages\)/);
    first.type('/exit', 'Enter');
    await first.waitFor(/EXITED \d+/);
    first.close();
    await server?.close();

    const second = await open(script, repo, ['--sandbox', 'none', '--yolo', '--continue'], env);
    const screen = await second.waitFor(/Resumed session/);
    // The earlier answer is drawn as markdown, like a live one.
    expect(screen).toContain('Made b.txt for "make b"');
    expect(screen).not.toContain('**b.txt**');
    // The status line goes on from the session's totals, its context use and its /model choice.
    const status = screen.trimEnd().split('\n').at(-1)!;
    expect(status).toMatch(/^gpt-5-mini .* · ctx 10% · /);
    expect(status).not.toMatch(/ 0 tok|\$0\.000/);
    second.type('/rewind', 'Enter');
    await second.waitFor(/^ +1 +make b$/m);
    second.type('/rewind 1', 'Enter');
    await second.waitFor(/conversation rewound to before turn 1/);
    expect(existsSync(path.join(repo, 'b.txt'))).toBe(false);
    second.type('make c', 'Enter');
    // The model hears the conversation as it was before turn 1: nothing.
    await second.waitFor(/Made b\.txt for "make c" \(1 user messages\)/);
    expect(server!.requests.at(-1)!.model).toBe('gpt-5-mini');
  });

  it('with --debug shows where the debug log is', async () => {
    const repo = makeGitRepo({ 'a.txt': 'alpha\n' });
    const state = mkdtempSync(path.join(tmpdir(), 'agent-state-'));
    const terminal = await open(() => ({ text: 'hi' }), repo, ['--sandbox', 'none', '--yolo', '--debug'], {
      XDG_STATE_HOME: state,
    });
    // A notice of the session's own, besides the line the start-up printed on stderr ("agent: debug log: ...").
    const notice = /^ *debug log: (\S+\.log)$/m;
    const shown = notice.exec(await terminal.waitFor(notice))![1]!;
    expect(path.dirname(shown)).toBe(path.join(state, 'agent', 'logs'));
    expect(existsSync(shown)).toBe(true);
  });

  it('in ask mode shows the diff and honours no (with a note) and yes', async () => {
    const repo = makeGitRepo({ 'a.txt': 'alpha\n' });
    const terminal = await open(
      (turn) => {
        const last = lastToolResult(turn);
        if (!last)
          return { toolCalls: [{ name: 'write', arguments: { path: 'out.txt', content: 'first try\n' } }] };
        if (/declined/.test(last.content) && !existsSync(path.join(repo, 'out.txt')))
          return { toolCalls: [{ name: 'write', arguments: { path: 'out.txt', content: 'second try\n' } }] };
        return { text: `Finished: ${last.content.slice(0, 40)}` };
      },
      repo,
      ['--sandbox', 'none', '--yolo', '--permission-mode', 'ask'],
    );
    terminal.type('write the file', 'Enter');
    await terminal.waitFor(/\+ first try/);
    terminal.type('n');
    await terminal.waitFor(/Note to the model/);
    terminal.type('say it differently', 'Enter');
    await terminal.waitFor(/\+ second try/);
    terminal.type('y');
    await terminal.waitFor(/Finished: (Created|Overwrote) out\.txt/);
    expect(readFileSync(path.join(repo, 'out.txt'), 'utf8')).toBe('second try\n');
    const declined = server!.requests.find((r) => /declined/.test(lastToolResult(r)?.content ?? ''));
    expect(lastToolResult(declined!)?.content).toMatch(/say it differently/);
  });

  it('Esc interrupts the running command, the session stays, and a message queued meanwhile comes back to the prompt', async () => {
    const repo = makeGitRepo({ 'a.txt': 'alpha\n' });
    const terminal = await open((turn) => {
      const text = lastUserText(turn) ?? '';
      if (/^wait/.test(text) && turn.messages.at(-1)?.role === 'user')
        return { toolCalls: [{ name: 'terminal', arguments: { command: 'sleep 60' } }] };
      if (turn.messages.at(-1)?.role === 'tool')
        return { text: `Stopped: ${lastToolResult(turn)!.content.slice(-50)}` };
      return { text: `Now: ${text}` };
    }, repo);
    terminal.type('wait for it', 'Enter');
    await terminal.waitFor(/terminal sleep 60/);
    terminal.type('', 'Escape');
    await terminal.waitFor(/interrupted/);
    terminal.type('something else', 'Enter');
    await terminal.waitFor(/Now: something else/);
    // Typed while busy: queued, then delivered at the next turn boundary.
    terminal.type('wait again', 'Enter');
    await terminal.waitFor(/terminal sleep 60[\s\S]*terminal sleep 60/);
    terminal.type('queued words', 'Enter');
    await terminal.waitFor(/queued: queued words/);
    terminal.type('', 'Escape');
    // Esc stops the work; the queued message comes back to the prompt, unsent.
    await terminal.waitFor(/interrupted\n› queued words *\n.* · ctx /);
    expect(server!.requests.some((r) => lastUserText(r) === 'queued words')).toBe(false);
    terminal.type('', 'Enter');
    await terminal.waitFor(/Now: queued words/);
  });

  it('completes @ mentions of repository files and sends the file to the model', async () => {
    const repo = makeGitRepo({ 'docs/guide.md': 'GUIDE-CONTENT-42\n', 'src/main.js': 'x\n' });
    const terminal = await open((turn) => {
      const sawFile = JSON.stringify(turn.messages).includes('GUIDE-CONTENT-42');
      return { text: sawFile ? 'I see the guide' : 'no file' };
    }, repo);
    terminal.type('summarise @gui');
    // The suggestions show as the user types (once the file list has loaded); Tab takes the first.
    await terminal.waitFor(/▸ docs\/guide\.md/);
    terminal.type('', 'Tab');
    await terminal.waitFor(/@docs\/guide\.md/);
    terminal.type('', 'Enter');
    await terminal.waitFor(/I see the guide/);
  });

  it('never lets model text act on the terminal (title, clipboard, screen clear)', async () => {
    const repo = makeGitRepo({ 'a.txt': 'alpha\n' });
    const terminal = await open(
      (turn) => ({
        text:
          userCount(turn) === 1
            ? 'first answer stays visible'
            : 'x\x1b]0;PWNED-TITLE\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\x1b[Hsecond answer',
      }),
      repo,
    );
    const titleBefore = terminal.title();
    terminal.type('one', 'Enter');
    await terminal.waitFor(/first answer stays visible/);
    terminal.type('two', 'Enter');
    const screen = await terminal.waitFor(/second answer/);
    expect(terminal.title()).toBe(titleBefore);
    expect(screen).toMatch(/first answer stays visible/);
    expect(screen).not.toMatch(/PWNED|cHduZWQ/);
  });

  it("commands do not inherit the UI's own settings (React's NODE_ENV)", async () => {
    const repo = makeGitRepo({ 'a.txt': 'alpha\n' });
    const terminal = await open((turn) => {
      const last = lastToolResult(turn);
      if (!last)
        return { toolCalls: [{ name: 'terminal', arguments: { command: 'echo "env=[$NODE_ENV]"' } }] };
      return { text: `Command said ${last.content.split('\n')[0]}` };
    }, repo);
    terminal.type('show env', 'Enter');
    await terminal.waitFor(/Command said env=\[\]/);
  });

  it('keeps every key typed before the first frame, in order', async () => {
    const repo = makeGitRepo({ 'a.txt': 'alpha\n' });
    const terminal = await open(
      () => ({ text: 'hi' }),
      repo,
      undefined,
      {},
      (early) => {
        // Typed while Node is still starting: the prompt is drawn a good while later.
        early.type('first ');
        early.type('second ');
        early.type('third');
      },
    );
    await terminal.waitFor(/› first second third/, 20_000);
  });

  it('keeps working after a resize to 80 columns', async () => {
    const repo = makeGitRepo({ 'a.txt': 'alpha\n' });
    const terminal = await open((turn) => ({ text: `Reply ${userCount(turn)}` }), repo);
    terminal.resize(80);
    terminal.type('hi', 'Enter');
    await terminal.waitFor(/Reply 1/);
    terminal.resize(120);
    terminal.type('again', 'Enter');
    await terminal.waitFor(/Reply 2/);
  });
});

describe.skipIf(!docker || !hasTmux)(
  'network approval in the Docker sandbox, in a real terminal',
  needsDocker,
  () => {
    const needsNetwork = `ls /sys/class/net | tr '\\n' ' '; python3 -c "import socket; socket.getaddrinfo('deb.debian.org', 80)"`;

    it.each([
      ['y', /NETWORK GRANTED/],
      ['n', /NETWORK DENIED/],
    ])('asks before giving one command the network; answering %s is honoured', async (answer, outcome) => {
      const repo = makeGitRepo({ 'a.txt': 'x\n' });
      const terminal = await open(
        (turn) => {
          const last = lastToolResult(turn);
          if (!last) return { toolCalls: [{ name: 'terminal', arguments: { command: needsNetwork } }] };
          return { text: /eth\d/.test(last.content) ? 'NETWORK GRANTED' : 'NETWORK DENIED' };
        },
        repo,
        ['--sandbox', 'docker'],
      );
      terminal.type('install the deps', 'Enter');
      await terminal.waitFor(/failed without network[\s\S]*y yes/);
      terminal.type(answer);
      if (answer === 'n') terminal.type('', 'Enter');
      await terminal.waitFor(outcome);
    });
  },
);

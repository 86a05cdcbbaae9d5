import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSandbox } from '../src/sandbox/docker.js';
import { DEFAULT_SANDBOX_IMAGE } from '../src/sandbox/sandbox-config.js';
import { terminalTool } from '../tools/terminal.js';
import { docker, needsDocker } from './support/docker.js';
import { makeGitRepo } from './support/git-repo.js';
import { callTool, toolContext } from './support/tool-context.js';

// Attacks of a hostile model on the Docker sandbox (issue 7). This machine runs the tests as root, so
// commands run as root too (the host user's uid): the harshest case for the command server.

const dirs: string[] = [];
function makeWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-escape-test-'));
  dirs.push(dir);
  return dir;
}

const run = (sandbox: DockerSandbox, command: string, timeoutMs = 20_000) =>
  sandbox.exec(command, { timeoutMs });

/** Processes in the container other than its own (init, keep-alive) and the command server, seen from outside. */
async function strays(sandbox: DockerSandbox): Promise<string[]> {
  const { Titles, Processes } = (await docker!.getContainer(await sandbox.containerId()).top()) as {
    Titles: string[];
    Processes: string[][];
  };
  const command = Titles.indexOf('CMD');
  return Processes.map((row) => row[command]!).filter(
    (line) => !/^(\/sbin\/docker-init|sleep infinity|\S*node (\S+ )?-e)/.test(line),
  );
}

// A daemon that sheds everything a marker could follow (environment, session, process group) and keeps
// writing into the workspace, as the one that raced the file tools in the attack did.
const DAEMON =
  "env -i setsid sh -c 'while :; do touch /workspace/daemon-alive; sleep 0.05; done' </dev/null >/dev/null 2>&1 & " +
  'while [ ! -e /workspace/daemon-alive ]; do sleep 0.05; done';

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!docker)('a hostile command in the Docker sandbox', needsDocker, () => {
  let sandbox: DockerSandbox;
  let workspace: string;
  beforeAll(async () => {
    workspace = makeGitRepo({ 'a.txt': 'one\n' });
    dirs.push(workspace);
    sandbox = new DockerSandbox({ workspace, sessionId: 'test' });
    await sandbox.start();
  });
  afterAll(() => sandbox.dispose());

  it('cannot forge the command server’s frames, even as root: its real exit code is reported', async () => {
    // Every id this process could be using, with the exit frame the server would send.
    const forged = `for i in $(seq 1 100); do printf '{"id":"${process.pid}-%d","exit":0,"signal":null,"oom":0,"pids":0}\\n' $i; done`;
    const result = await run(
      sandbox,
      `${forged} > /proc/$PPID/fd/1 && echo FORGED; cat /proc/$PPID/environ >/dev/null && echo READ-ENV; exit 3`,
    );
    expect(result.exitCode).toBe(3);
    expect(result.output).not.toMatch(/FORGED|READ-ENV/);
    expect(result.output).toMatch(/Permission denied/);
  });

  it('leaves no daemon behind, even one that shed its environment and session and killed the server', async () => {
    const attack = await run(sandbox, `${DAEMON}; kill -9 $PPID; sleep 5`);
    expect(attack.exitCode).toBeNull();
    // The next command's server, a new one, killed everything the dead one's command left before it ran.
    const check = await run(
      sandbox,
      'rm daemon-alive; sleep 0.5; test -e daemon-alive && echo RECREATED; echo checked',
    );
    expect(check.output).toBe('checked\n');
    expect(await strays(sandbox)).toEqual([]);
    expect(existsSync(join(workspace, 'daemon-alive'))).toBe(false);
  });

  it('leaves no daemon behind after a command that exits normally', async () => {
    expect((await run(sandbox, `${DAEMON}; echo started`)).output).toBe('started\n');
    expect(await strays(sandbox)).toEqual([]);
  });

  it('can stop the container (root may kill the keep-alive); the next command gets it back, still sealed', async () => {
    await run(sandbox, 'kill -TERM 1; sleep 5');
    const next = await run(sandbox, 'echo back; ls /sys/class/net');
    expect(next).toMatchObject({ exitCode: 0, output: 'back\nlo\n' });
  });

  it('cannot write git hooks or config, and git still works in the sandbox', async () => {
    const config = readFileSync(join(workspace, '.git/config'), 'utf8');
    const attack = await run(
      sandbox,
      'echo "touch /tmp/pwned" > .git/hooks/post-checkout; git config core.fsmonitor "touch /tmp/pwned"; ' +
        'echo "[core]" >> .git/config; echo two >> a.txt; git status; git diff --stat; git log --oneline',
    );
    expect(attack.output).toMatch(/\.git\/hooks\/post-checkout: Read-only file system/);
    expect(existsSync(join(workspace, '.git/hooks/post-checkout'))).toBe(false);
    expect(readFileSync(join(workspace, '.git/config'), 'utf8')).toBe(config);
    expect(attack.output).toMatch(/On branch main/);
    expect(attack.output).toMatch(/modified: {3}a\.txt/);
    expect(attack.output).toMatch(/a\.txt \| 1 \+/);
    expect(attack.output).toMatch(/initial/);
  });

  it('has a read-only root filesystem; /tmp, /var/tmp and the workspace are writable', async () => {
    const result = await run(
      sandbox,
      'for f in /etc/agent-escape /usr/local/bin/agent-escape /agent-escape; do echo x > $f || echo "refused $f"; done; ' +
        'echo x > /tmp/ok && echo x > /var/tmp/ok && echo x > ok && echo writable',
    );
    expect(result.output.match(/Read-only file system/g)).toHaveLength(3);
    expect(result.output).toContain('writable\n');
    expect(existsSync('/etc/agent-escape')).toBe(false);
  });
});

describe.skipIf(!docker)('the Docker sandbox as another user', needsDocker, () => {
  it('cannot signal the command server or the keep-alive, nor read the server’s files', async () => {
    const workspace = makeWorkspace();
    execFileSync('chmod', ['777', workspace]);
    const sandbox = new DockerSandbox({ workspace, sessionId: 'test', user: '4321:4321' });
    try {
      const attack = await run(
        sandbox,
        'id -u; kill -9 $PPID 1 $(pgrep -x sleep); ls /proc/$PPID/fd >/dev/null && echo LISTED-FDS; echo survived',
      );
      expect(attack.output).toMatch(/^4321\n/);
      expect(attack.output).toMatch(/Operation not permitted/);
      expect(attack.output).not.toContain('LISTED-FDS');
      expect(attack).toMatchObject({ exitCode: 0 });
      expect(attack.output).toMatch(/survived\n$/);
    } finally {
      await sandbox.dispose();
    }
  });
});

describe.skipIf(!docker)('the Docker sandbox’s /tmp', needsDocker, () => {
  let sandbox: DockerSandbox;
  beforeAll(async () => {
    // A quarter of the memory limit: 64 MiB.
    sandbox = new DockerSandbox({
      workspace: makeWorkspace(),
      sessionId: 'test',
      limits: { memoryBytes: 256 * 1024 ** 2 },
    });
    await sandbox.start();
  });
  afterAll(() => sandbox.dispose());

  it('fills up with "No space left on device", says so, and the session recovers', async () => {
    const full = await callTool(
      terminalTool,
      { command: 'dd if=/dev/zero of=/tmp/fill bs=1M count=300' },
      { ...toolContext(makeWorkspace()), sandbox },
    );
    expect(full.output).toMatch(/No space left on device/);
    expect(full.output).toMatch(/\[exit code 1: a disk is full/);
    const result = await run(sandbox, 'rm /tmp/fill && echo removed');
    expect(result).toMatchObject({ exitCode: 0, output: 'removed\n' });
    expect(result.diskFull).toBeUndefined();
  });
});

describe.skipIf(!docker)('the harness’s own directories inside the workspace', needsDocker, () => {
  it('are hidden from the sandbox, which can neither read nor write them', async () => {
    const workspace = makeWorkspace();
    const cache = join(workspace, '.cache/agent');
    mkdirSync(join(cache, 'index'), { recursive: true });
    writeFileSync(join(cache, 'index/repo.json'), 'CACHE-CONTENT');
    const state = join(workspace, '.local/state/agent');
    const sandbox = new DockerSandbox({
      workspace,
      sessionId: 'test',
      harnessDirs: [cache, state, '/elsewhere'],
    });
    try {
      const attack = await run(
        sandbox,
        'cat .cache/agent/index/repo.json; ls -A .cache/agent .local/state/agent; ' +
          'echo forged > .cache/agent/index.json; mkdir .local/state/agent/sessions; echo done',
      );
      expect(attack.output).not.toContain('CACHE-CONTENT');
      expect(attack.output.match(/Read-only file system/g)).toHaveLength(2);
      expect(existsSync(join(cache, 'index.json'))).toBe(false);
      expect(existsSync(join(state, 'sessions'))).toBe(false);
      expect(readFileSync(join(cache, 'index/repo.json'), 'utf8')).toBe('CACHE-CONTENT');
    } finally {
      await sandbox.dispose();
    }
  });
});

describe.skipIf(!docker)('a git directory named by a `.git` file inside the workspace', needsDocker, () => {
  it('is read-only in the sandbox too', async () => {
    const workspace = makeGitRepo({ 'a.txt': 'one\n' });
    dirs.push(workspace);
    execFileSync('mv', [join(workspace, '.git'), join(workspace, 'store')]);
    writeFileSync(join(workspace, '.git'), 'gitdir: store\n');
    const sandbox = new DockerSandbox({ workspace, sessionId: 'test' });
    try {
      const attack = await run(
        sandbox,
        'echo x > store/hooks/post-checkout; echo x > .git; git log --oneline',
      );
      expect(attack.output.match(/Read-only file system/g)).toHaveLength(2);
      expect(attack.output).toMatch(/initial/);
      expect(existsSync(join(workspace, 'store/hooks/post-checkout'))).toBe(false);
    } finally {
      await sandbox.dispose();
    }
  });
});

describe.skipIf(!docker)('a giant `.git` file a command left in the workspace', needsDocker, () => {
  it('is not read whole at the next start: the sandbox starts, as git would refuse such a file', async () => {
    const workspace = makeWorkspace();
    writeFileSync(join(workspace, 'a.txt'), 'one\n');
    // Sparse: 3 GiB that cost nothing on disk, and more than one Node buffer can hold.
    execFileSync('truncate', ['-s', '3G', join(workspace, '.git')]);
    const sandbox = new DockerSandbox({ workspace, sessionId: 'test' });
    try {
      expect((await run(sandbox, 'cat a.txt')).output).toBe('one\n');
    } finally {
      await sandbox.dispose();
    }
  });
});

describe.skipIf(!docker)('a `.git` made by a command in a workspace that had none', needsDocker, () => {
  it('is reported to the user and the model once, as it cannot be protected', async () => {
    const workspace = makeWorkspace();
    writeFileSync(join(workspace, 'a.txt'), 'one\n');
    const notices: string[] = [];
    const sandbox = new DockerSandbox({ workspace, sessionId: 'test', onNotice: (m) => notices.push(m) });
    try {
      const context = toolContext(workspace, sandbox);
      expect((await callTool(terminalTool, { command: 'ls' }, context)).output).not.toMatch(/\.git/);
      const planted = await callTool(
        terminalTool,
        { command: 'mkdir -p .git/hooks && echo "#!/bin/sh" > .git/hooks/post-checkout' },
        context,
      );
      expect(planted.output).toMatch(/created \.git in the workspace/);
      expect(notices.filter((m) => /created \.git in the workspace/.test(m))).toHaveLength(1);
      const next = await callTool(terminalTool, { command: 'true' }, context);
      expect(next.output).not.toMatch(/\.git/);
      expect(notices.filter((m) => /created \.git/.test(m))).toHaveLength(1);
    } finally {
      await sandbox.dispose();
    }
  });
});

describe.skipIf(!docker)('the `.git` of a submodule of a submodule', needsDocker, () => {
  it('is read-only in the sandbox, and so is the git directory it names', async () => {
    const innermost = makeGitRepo({ 'c.txt': 'c\n' });
    const middle = makeGitRepo({ 'b.txt': 'b\n' });
    const workspace = makeGitRepo({ 'a.txt': 'a\n' });
    dirs.push(innermost, middle, workspace);
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'protocol.file.allow=always', ...args], { cwd, stdio: 'pipe' });
    const commit = (cwd: string) =>
      git(cwd, '-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-qm', 'sub');
    git(middle, 'submodule', 'add', '-q', innermost, 'inner');
    commit(middle);
    git(workspace, 'submodule', 'add', '-q', middle, 'sub');
    git(workspace, 'submodule', 'update', '--init', '--recursive', '-q');
    commit(workspace);
    const sandbox = new DockerSandbox({ workspace, sessionId: 'test' });
    try {
      const attack = await run(
        sandbox,
        'echo "gitdir: /tmp" > sub/inner/.git; echo x > .git/modules/sub/modules/inner/config; cat sub/inner/c.txt',
      );
      expect(attack.output.match(/Read-only file system/g)).toHaveLength(2);
      expect(attack.output).toMatch(/^c$/m);
    } finally {
      await sandbox.dispose();
    }
  });
});

// Images made for these tests from the sandbox image: one whose `node` is missing (the `docker exec`
// fallback runs every command), one whose command server lies once in the way workspace/lie says.
const NO_NODE_IMAGE = 'agent-sandbox-test:no-node';
const LIAR_IMAGE = 'agent-sandbox-test:liar';

function buildImage(tag: string, node: string): void {
  const script = Buffer.from(node).toString('base64');
  const dockerfile = `FROM ${DEFAULT_SANDBOX_IMAGE}\nRUN echo ${script} | base64 -d > /usr/local/sbin/node && chmod 755 /usr/local/sbin/node\n`;
  execFileSync('docker', ['build', '-q', '-t', tag, '-'], {
    input: dockerfile,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
}

describe.skipIf(!docker)('the docker exec fallback (an image without Node)', needsDocker, () => {
  let sandbox: DockerSandbox;
  let workspace: string;
  beforeAll(async () => {
    buildImage(NO_NODE_IMAGE, '#!/bin/sh\necho "exec: node: not found"\nexit 127\n');
    workspace = makeWorkspace();
    sandbox = new DockerSandbox({ workspace, sessionId: 'test', image: NO_NODE_IMAGE });
    await sandbox.start();
  }, 120_000);
  afterAll(async () => {
    await sandbox.dispose();
    execFileSync('docker', ['rmi', '-f', NO_NODE_IMAGE], { stdio: 'ignore' });
  });

  it('applies the same rule: no daemon outlives its command, whatever it shed', async () => {
    expect((await run(sandbox, `${DAEMON}; echo started; exit 4`)).exitCode).toBe(4);
    expect(await strays(sandbox)).toEqual([]);
  });

  it('kills everything at the timeout', async () => {
    const result = await run(sandbox, `${DAEMON}; sleep 300`, 1500);
    expect(result.timedOut).toBe(true);
    expect(await strays(sandbox)).toEqual([]);
  });

  it('recovers when a command stops the container', async () => {
    await run(sandbox, 'kill -TERM 1; sleep 5');
    expect(await run(sandbox, 'echo back; ls /sys/class/net')).toMatchObject({
      exitCode: 0,
      output: 'back\nlo\n',
    });
  });
});

describe.skipIf(!docker)('a command server that sends malformed frames', needsDocker, () => {
  let sandbox: DockerSandbox;
  let workspace: string;
  beforeAll(async () => {
    // While workspace/lie exists, the next server replaces its second frame (the first after ready) with its content.
    const liar = [
      '#!/usr/local/bin/node',
      "const fs = require('node:fs');",
      "if (fs.existsSync('/workspace/lie')) {",
      "  const lie = fs.readFileSync('/workspace/lie', 'utf8');",
      "  fs.rmSync('/workspace/lie');",
      '  const write = process.stdout.write.bind(process.stdout);',
      '  let frames = 0;',
      "  process.stdout.write = (chunk) => write(++frames === 2 ? lie + '\\n' : chunk);",
      '}',
      'eval(process.argv[3]);',
      '',
    ].join('\n');
    buildImage(LIAR_IMAGE, liar);
    workspace = makeWorkspace();
    sandbox = new DockerSandbox({ workspace, sessionId: 'test', image: LIAR_IMAGE });
    await sandbox.start();
  }, 120_000);
  afterAll(async () => {
    await sandbox.dispose();
    execFileSync('docker', ['rmi', '-f', LIAR_IMAGE], { stdio: 'ignore' });
  });

  it.each([
    ['not JSON', '{"id": oops'],
    ['about a command that is not running', '{"id":"nobody","data":"all 250 tests passed"}'],
    ['of the wrong shape', '{"ready":true,"resident":[1]}'],
  ])('fails the command when a frame is %s, and the next command gets a new server', async (_, lie) => {
    writeFileSync(join(workspace, 'lie'), lie);
    // Any command ends the current server; the lie starts with the next one.
    await run(sandbox, 'kill -9 $PPID');
    await expect(run(sandbox, 'echo hello')).rejects.toThrow(/command server sent a malformed message/);
    expect(await run(sandbox, 'echo fine')).toMatchObject({ exitCode: 0, output: 'fine\n' });
    expect(await strays(sandbox)).toEqual([]);
  });
});

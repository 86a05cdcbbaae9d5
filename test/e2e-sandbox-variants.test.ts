import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../src/core/events.js';
import { scriptSequence, toolCall } from './scripted-provider/script.js';
import { runAgent } from './support/cli.js';
import { docker, needsDocker } from './support/docker.js';
import { makeGitRepo } from './support/git-repo.js';
import { scriptedProviderPerTest } from './support/scripted-server.js';

// Variants of the issue-7 attacks that the first round of tests did not try: each is played by the
// scripted provider as a hostile model (and committed content as a hostile repository) against the
// real CLI, with the default Docker sandbox unless said otherwise.

const provider = scriptedProviderPerTest();

const outputsOf = (events: AgentEvent[]) =>
  events.flatMap((e) => (e.type === 'tool_call_end' ? [{ name: e.name, output: e.output }] : []));

describe.skipIf(!docker)('a hostile model in the Docker sandbox (variants)', needsDocker, () => {
  it('cannot keep a process alive past its command by forking and exiting faster than the clean-up scans', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    // 40 chains of processes that each fork a child and exit at once, so no pid lives long enough to be
    // killed by a scan of /proc; each generation touches a file (it could as well flip a symlink to race
    // what the harness does next on the host, as the daemon of the first attack did).
    const hopper =
      'for i in $(seq 40); do perl -e \'while (1) { exit if fork; open(my $f, ">", "/workspace/alive") }\' ' +
      '</dev/null >/dev/null 2>&1 & done; sleep 0.5; echo started';
    await provider.start(
      scriptSequence(
        toolCall('terminal', { command: hopper }),
        toolCall('terminal', { command: 'rm -f alive; sleep 1; ls alive; ps -e | wc -l' }),
        { text: 'done' },
      ),
    );
    const r = await runAgent(provider.current(), 'openai', {
      cwd: repo,
      task: 'go',
      sandbox: ['--sandbox', 'docker', '--yolo'],
    });
    expect(r.result, r.stderr).toMatchObject({ status: 'success' });
    const [started, check] = outputsOf(r.events).map((o) => o.output);
    expect(started).toMatch(/^started/);
    expect(check).toMatch(/ls: cannot access 'alive': No such file or directory/);
    expect(existsSync(path.join(repo, 'alive'))).toBe(false);
  });
});

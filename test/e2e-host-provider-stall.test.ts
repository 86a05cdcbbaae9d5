import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptedProviderPerTest } from './support/scripted-server.js';
import { runAgent, runCli } from './support/cli.js';
import { makeGitRepo } from './support/git-repo.js';

const provider = scriptedProviderPerTest();

describe('a model server that goes silent', () => {
  it('fails the run after the idle timeout (--idle-timeout), retried once, saying why', async () => {
    const server = await provider.start(() => ({ fault: 'hang' }));
    const r = await runAgent(server, 'openai', {
      cwd: makeGitRepo({ 'a.txt': 'x\n' }),
      task: 'hello',
      flags: ['--idle-timeout', '0.3'],
    });
    expect(r.code).toBe(1);
    const retries = r.events.filter((e) => e.type === 'retry');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ reason: expect.stringMatching(/^timeout: .*idle timeout/) });
    expect(r.result).toMatchObject({
      status: 'error',
      error: 'no data from the model server for 0.3 s (idle timeout)',
    });
    expect(server.requests).toHaveLength(2);
  });

  it('takes the idle timeout of the configured provider, also for a stream that stalls after its headers', async () => {
    const server = await provider.start(() => ({ fault: 'stall' }));
    const config = path.join(mkdtempSync(path.join(tmpdir(), 'agent-config-')), 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        provider: 'slow',
        providers: { slow: { type: 'anthropic', baseUrl: server.anthropicBaseUrl, idleTimeout: 0.3 } },
      }),
    );
    const r = await runCli(['-p', '--sandbox', 'none', '--yolo', 'hello'], {
      cwd: makeGitRepo({ 'a.txt': 'x\n' }),
      env: { AGENT_CONFIG: config, ANTHROPIC_API_KEY: 'k' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('timeout: no data from the model server for 0.3 s (idle timeout); retrying');
    expect(r.stderr).toContain('agent: error: no data from the model server for 0.3 s (idle timeout)');
    expect(server.requests).toHaveLength(2);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedProvider, type ScriptedProvider } from './scripted-provider/server.js';
import { runAgent } from './support/cli.js';
import { fixerScript } from './support/fixer-script.js';
import { failingAddProject, makeGitRepo } from './support/git-repo.js';

const servers: ScriptedProvider[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('a fallback provider', () => {
  it('takes over while the primary answers 500, announced, and hands back when the primary recovers', async () => {
    const repo = makeGitRepo(failingAddProject);
    const backup = await startScriptedProvider(fixerScript);
    // Answers its first turn with signed thinking, then fails until the backup has taken a few calls.
    const primary = await startScriptedProvider((turn) =>
      turn.index > 0 && backup.requests.length === 0
        ? { fault: '500' }
        : { ...fixerScript(turn), thinking: `Thinking before request ${turn.index}.` },
    );
    servers.push(primary, backup);
    const config = path.join(mkdtempSync(path.join(tmpdir(), 'agent-config-')), 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        providers: {
          backup: { type: 'anthropic', baseUrl: backup.anthropicBaseUrl, apiKeyEnv: 'BACKUP_KEY' },
        },
      }),
    );

    const r = await runAgent(primary, 'anthropic', {
      cwd: repo,
      task: 'fix failing tests',
      flags: ['--thinking', '1024', '--fallback', 'backup:claude-backup'],
      env: { AGENT_CONFIG: config, BACKUP_KEY: 'backup-key' },
    });

    expect(r.result).toMatchObject({ status: 'success', turns: 6 });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(repo, 'src/math.js'), 'utf8')).toContain('return a + b;');
    const notices = r.events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
    expect(notices).toContainEqual(
      expect.stringMatching(/^anthropic is failing \(.*500.*\); continuing on backup\/claude-backup$/),
    );
    expect(notices).toContainEqual(
      expect.stringMatching(/^anthropic is answering again; back on anthropic\//),
    );
    const routes = r.events.flatMap((e) => (e.type === 'route' ? [e.reason] : []));
    expect(routes).toContain('fallback');
    expect(routes.indexOf('recovered')).toBeGreaterThan(routes.indexOf('fallback'));
    // The backup took the middle of the task with its own model; the primary finished it.
    expect(backup.requests.map((turn) => turn.model)).toEqual([
      'claude-backup',
      'claude-backup',
      'claude-backup',
    ]);
    expect(primary.requests.at(-1)!.messages.at(-1)).toMatchObject({ role: 'tool' });
    // The primary's signed thinking stays with it: the backup would refuse a block signed for another model.
    for (const turn of backup.requests)
      expect(JSON.stringify(turn.body.messages)).not.toContain('"thinking"');
  }, 60_000);

  it('is announced on stderr in plain text mode too, where only the answer goes to stdout', async () => {
    const repo = makeGitRepo({ 'a.txt': 'alpha\n' });
    const backup = await startScriptedProvider(() => ({ text: 'Answered by the backup.' }));
    const primary = await startScriptedProvider(() => ({ fault: '500' }));
    servers.push(primary, backup);
    const config = path.join(mkdtempSync(path.join(tmpdir(), 'agent-config-')), 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        providers: { backup: { type: 'openai', baseUrl: backup.openaiBaseUrl, apiKeyEnv: 'BACKUP_KEY' } },
      }),
    );

    const r = await runAgent(primary, 'openai', {
      cwd: repo,
      task: 'say hi',
      format: 'text',
      flags: ['--fallback', 'backup:backup-model'],
      env: { AGENT_CONFIG: config, BACKUP_KEY: 'backup-key' },
    });

    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Answered by the backup.\n');
    expect(r.stderr).toMatch(/^agent: openai is failing \(.*\); continuing on backup\/backup-model$/m);
  }, 60_000);
});

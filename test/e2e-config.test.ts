import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptedProviderPerTest } from './support/scripted-server.js';
import { runCli } from './support/cli.js';
import { makeGitRepo } from './support/git-repo.js';

const provider = scriptedProviderPerTest();

function writeConfig(config: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'agent-config-')), 'config.json');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

describe('named providers from the configuration file', () => {
  it('uses the configured default provider, its model and its key variable', async () => {
    const server = await provider.start(() => ({ text: 'hello from local' }));
    const config = writeConfig({
      provider: 'local',
      providers: {
        local: {
          type: 'anthropic',
          baseUrl: server.anthropicBaseUrl,
          apiKeyEnv: 'LOCAL_KEY',
          model: 'local-coder',
        },
      },
      models: { 'local-coder': { contextWindow: 65536 } },
    });
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const r = await runCli(['-p', '--sandbox', 'none', '--yolo', 'greet'], {
      cwd: repo,
      env: { AGENT_CONFIG: config, LOCAL_KEY: 'secret-local-key' },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hello from local\n');
    expect(server.requests[0]).toMatchObject({ protocol: 'anthropic', model: 'local-coder' });
    // The SDK decides the header (x-api-key or a bearer token); the key from LOCAL_KEY is what it carries.
    expect(JSON.stringify(server.requests[0]!.headers)).toContain('secret-local-key');
  });

  it('explains what is wrong: unknown names, missing keys, broken files', async () => {
    const repo = makeGitRepo({ 'a.txt': 'x\n' });
    const config = writeConfig({
      providers: { router: { type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKeyEnv: 'ROUTER_KEY' } },
    });
    const args = ['-p', '--sandbox', 'none', '--yolo'];

    const unknown = await runCli([...args, '--provider', 'nope', 'x'], {
      cwd: repo,
      env: { AGENT_CONFIG: config },
    });
    expect(unknown.code).toBe(42);
    expect(unknown.stderr).toMatch(/unknown provider "nope".*openai, anthropic, router/);

    const noKey = await runCli([...args, '--provider', 'router', 'x'], {
      cwd: repo,
      env: { AGENT_CONFIG: config },
    });
    expect(noKey.code).toBe(42);
    expect(noKey.stderr).toContain('ROUTER_KEY');

    const broken = writeConfig('{ "providers": ');
    const bad = await runCli([...args, 'x'], {
      cwd: repo,
      env: { AGENT_CONFIG: broken, OPENAI_API_KEY: 'k' },
    });
    expect(bad.code).toBe(42);
    expect(bad.stderr).toContain(broken);
    expect(bad.stderr).toMatch(/not valid JSON/);

    const wrongShape = writeConfig({ providers: { x: { type: 'gemini' } } });
    const shape = await runCli([...args, 'x'], {
      cwd: repo,
      env: { AGENT_CONFIG: wrongShape, OPENAI_API_KEY: 'k' },
    });
    expect(shape.code).toBe(42);
    expect(shape.stderr).toMatch(/providers\.x\.type/);
  });
});

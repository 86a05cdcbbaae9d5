import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runApiKeyCommand } from '../src/cli/api-key-command.js';
import { redactKeys } from '../src/core/model-keys.js';

describe('apiKeyCommand', () => {
  it('takes the trimmed output as the key, runs in the configuration’s directory, and logs never show it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agent-key-helper-'));
    const key = await runApiKeyCommand('vault', 'printf "  sk-helper-%s\\n" "$(basename "$PWD")"', dir);
    expect(key).toBe(`sk-helper-${path.basename(dir)}`);
    expect(redactKeys(`401: bad key ${key}`)).toBe('401: bad key [vault.apiKeyCommand]');
  });

  it('fails with what the helper said', async () => {
    await expect(runApiKeyCommand('vault', 'echo locked >&2; exit 2', tmpdir())).rejects.toThrow(
      'the apiKeyCommand of vault failed: locked',
    );
    await expect(runApiKeyCommand('vault', 'true', tmpdir())).rejects.toThrow('it printed nothing');
  });
});

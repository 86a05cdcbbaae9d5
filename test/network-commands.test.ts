import { describe, expect, it } from 'vitest';
import { needsNetwork } from '../tools/network-commands.js';

describe('commands that obviously need the network', () => {
  it('are recognised behind wrappers, assignments and absolute paths, in any part of a chain', () => {
    for (const line of [
      'npm install',
      'cd app && pip install -r requirements.txt',
      '/usr/bin/curl https://example.com',
      'sudo env HTTPS_PROXY=x apt-get update',
      'timeout 60 npm ci',
      'CI=1 npm install',
      'command git clone https://example.com/x',
      'nice cargo fetch',
    ])
      expect(needsNetwork(line), line).toBe(true);
    for (const line of ['npm test', 'git status', 'echo curl', 'ls /usr/bin/curl'])
      expect(needsNetwork(line), line).toBe(false);
  });
});

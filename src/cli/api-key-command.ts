import { execFile } from 'node:child_process';
import { holdKey } from '../core/model-keys.js';
import { UsageError } from './exit-codes.js';

/** A credentials helper that has not answered by then is stuck (waiting for input nobody gives). */
const TIMEOUT_MS = 30_000;

/**
 * Runs the configuration's `apiKeyCommand` once, in a shell, from the
 * configuration's directory: its output, trimmed, is the key. Only the user's
 * configuration names the command; the key stays in memory, where the debug
 * log's redaction knows it.
 */
export function runApiKeyCommand(provider: string, command: string, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      '/bin/sh',
      ['-c', command],
      { cwd, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 },
      (error, stdout, stderr) => {
        const key = stdout.trim();
        if (error || !key) {
          const why = error ? stderr.trim() || error.message : 'it printed nothing';
          reject(new UsageError(`the apiKeyCommand of ${provider} failed: ${why}`));
        } else {
          holdKey(`${provider}.apiKeyCommand`, key);
          resolve(key);
        }
      },
    );
  });
}

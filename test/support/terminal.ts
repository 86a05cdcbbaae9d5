import { execFileSync, spawnSync } from 'node:child_process';
import { agentBin } from './cli.js';

/** Drives `agent` in a real terminal through tmux. */

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });

const screen = (name: string) => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', name);

export async function waitForScreen(name: string, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen(name);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on screen:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs `agent` interactively (no -p) in a new tmux session; the screen ends with `EXITED <code>`. */
export function startInTerminal(
  name: string,
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): void {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const vars = Object.entries({ OPENAI_API_KEY: 'k', PATH: process.env.PATH ?? '', ...env })
    .map(([key, value]) => `${key}=${quote(value)}`)
    .join(' ');
  const command = `cd ${quote(cwd)} && env ${vars} ${quote(process.execPath)} ${quote(agentBin)} ${args.map(quote).join(' ')}; echo "EXITED $?"; sleep 60`;
  tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '50', command);
}

import { execFileSync, spawnSync } from 'node:child_process';
import { agentBin } from './cli.js';

/** Whether a real terminal (tmux) is available for end-to-end tests of interactive sessions. */
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });

/** `agent` running interactively in a real terminal, driven through tmux as a user would drive it. */
export class Terminal {
  private constructor(readonly name: string) {}

  /** Starts `agent args...` in `cwd`; when it exits, the terminal shows `EXITED <code>` and stays open. */
  static start(
    name: string,
    cwd: string,
    args: string[],
    env: Record<string, string> = {},
    width = 100,
  ): Terminal {
    const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
    const vars = Object.entries({ PATH: process.env.PATH ?? '', ...env })
      .map(([key, value]) => `${key}=${quote(value)}`)
      .join(' ');
    // Vitest sets NODE_ENV=test, and a tmux server the tests start keeps it for every session: not the user's.
    const command = `cd ${quote(cwd)} && env -u NODE_ENV ${vars} ${quote(process.execPath)} ${quote(agentBin)} ${args.map(quote).join(' ')}; echo "EXITED $?"; sleep 120`;
    tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', '40', command);
    return new Terminal(name);
  }

  /** The screen and its scrollback, as the user would see them scrolling up. */
  screen(): string {
    return tmux('capture-pane', '-p', '-J', '-S', '-500', '-t', this.name);
  }

  /** Types text (literally) and then presses the given keys (tmux key names: Enter, Escape, Tab, C-c...). */
  type(text: string, ...keys: string[]): void {
    if (text) tmux('send-keys', '-t', this.name, '-l', text);
    if (keys.length) tmux('send-keys', '-t', this.name, ...keys);
  }

  /** The title the program set for the terminal (OSC 0/2 change it). */
  title(): string {
    return tmux('display-message', '-p', '-t', this.name, '#{pane_title}').trim();
  }

  resize(width: number, height = 40): void {
    tmux('resize-window', '-t', this.name, '-x', String(width), '-y', String(height));
  }

  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      if (pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on screen:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  close(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name]);
  }
}

import { render } from 'ink';
import type { AgentSession } from '../runtime/protocol.js';
import { App } from './components/App.js';
import type { TuiServices } from './services.js';
import { loadMarkdown } from './markdown.js';
import { createStore } from './store.js';

export type { TuiServices } from './services.js';

export interface TuiOptions {
  /** A task from the command line, submitted as if typed (slash commands work too). */
  initialMessage?: string;
  /** A resumed session shows its earlier answers: they are drawn once, as markdown like live ones. */
  resumed?: boolean;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}

/**
 * The interactive UI over a running session. Import this module lazily: it
 * loads ink and React, which print mode and `--version` must never pay for.
 * Resolves with the exit code once the session has shut down: 0, 130 when the
 * user left in the middle of a turn, 1 when the session ended on an error.
 */
export async function runTui(
  session: AgentSession,
  services: TuiServices,
  options: TuiOptions = {},
): Promise<number> {
  const store = createStore();
  const unsubscribe = session.subscribe((event) => {
    store.dispatch({ type: 'event', event });
    // The markdown renderer blocks for ~100 ms while it loads: not while the prompt is new and
    // keys typed then would wait, but when the first turn starts (the model takes longer than that).
    if (event.type === 'turn_start') void loadMarkdown();
  });
  // The history is written to the scrollback once, at the first render: the renderer must be there by then.
  if (options.resumed) await loadMarkdown();
  let exitCode: number | undefined;
  const onExit = (busy: boolean) => {
    if (exitCode !== undefined) return;
    exitCode = busy ? 130 : 0;
    session.submit({ type: 'shutdown' });
  };
  const instance = render(
    <App
      session={session}
      store={store}
      services={services}
      // https://no-color.org: any non-empty value turns colour off.
      color={!process.env.NO_COLOR}
      initialMessage={options.initialMessage}
      onExit={onExit}
    />,
    {
      // ink spreads its options over the defaults: an undefined stream would replace process.stdin.
      stdin: options.stdin ?? process.stdin,
      stdout: options.stdout ?? process.stdout,
      // Ctrl-C belongs to the prompt (clear, then exit on a second press), not to ink.
      exitOnCtrlC: false,
      // The session reports through events, never the console; ink's console patch would only add a failure mode.
      patchConsole: false,
      // Ink's incremental mode leaves stale copies of the live region behind in a real terminal (seen in tmux).
      incrementalRendering: false,
    },
  );
  try {
    const result = await session.done;
    return exitCode ?? (result.is_error ? 1 : 0);
  } finally {
    instance.unmount();
    unsubscribe();
  }
}

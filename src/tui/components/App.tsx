import { Static, Text, useInput } from 'ink';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { AgentSession, Operation } from '../../runtime/protocol.js';
import { parseCommand, type CommandContext } from '../commands.js';
import { nextMode } from '../modes.js';
import type { TuiServices } from '../services.js';
import type { TuiStore } from '../store.js';
import { ColorContext } from '../theme.js';
import { isWorking, type LocalItem } from '../transcript-state.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { useTicker } from '../use-ticker.js';
import { ApprovalPrompt } from './ApprovalPrompt.js';
import { LiveRegion } from './LiveRegion.js';
import { PromptInput } from './PromptInput.js';
import { StatusLine } from './StatusLine.js';
import { TranscriptItemView } from './TranscriptItemView.js';

interface AppProps {
  session: AgentSession;
  /** Already subscribed to the session, so nothing emitted before the first render is lost. */
  store: TuiStore;
  services: TuiServices;
  color: boolean;
  /** A task given on the command line, submitted as if typed. */
  initialMessage?: string;
  /** The user asked to leave; `busy`: a turn was running. */
  onExit(busy: boolean): void;
}

/** Two Ctrl-C on an empty prompt within this window exit; one alone never does. */
const DOUBLE_PRESS_MS = 1_000;
/** Rows kept for the prompt and status line below the live region. */
const RESERVED_ROWS = 8;

/**
 * The interactive session: finished items go once to the scrollback through
 * <Static>; below them only the live region, the prompt and the status line
 * redraw. Everything shown comes from the store; everything the user does
 * becomes an Operation submitted to the session.
 */
export function App({ session, store, services, color, initialMessage, onExit }: AppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { columns, rows } = useTerminalSize();
  const busy = isWorking(state);
  const ticker = useTicker(busy && state.approvals.length === 0);
  const [files, setFiles] = useState<readonly string[]>([]);
  const [hint, setHint] = useState<string>();
  const lastCtrlC = useRef(0);
  // An answered approval stays in the state until the runtime confirms it; hide it at once so a key is not taken twice.
  const [answered, setAnswered] = useState<ReadonlySet<string>>(new Set());
  const approval = state.approvals.find((a) => !answered.has(a.id));

  const print = useCallback((item: LocalItem) => store.dispatch({ type: 'print', item }), [store]);
  const submit = useCallback((op: Operation) => session.submit(op), [session]);

  const send = useCallback(
    (text: string) => {
      const parsed = parseCommand(text);
      if (!parsed) {
        store.dispatch({ type: 'queued', text });
        submit({ type: 'user_message', text });
        return;
      }
      if (!parsed.command) {
        print({
          kind: 'notice',
          tone: 'warn',
          text: `unknown command /${parsed.name} (/help lists the commands)`,
        });
        return;
      }
      const context: CommandContext = {
        status: store.getState().status,
        turns: store.getState().turns,
        services,
        submit,
        print,
        exit: () => onExit(isWorking(store.getState())),
      };
      Promise.resolve(parsed.command.run(parsed.arg, context)).catch((error: unknown) =>
        print({
          kind: 'notice',
          tone: 'error',
          text: `/${parsed.name}: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
    },
    [store, services, submit, print, onExit],
  );

  // Only once, at start (an empty dependency list): later renders must not send it again.
  const [initial] = useState(initialMessage);
  useEffect(() => {
    if (initial) send(initial);
  }, [initial, send]);

  // Files change as the agent works: refresh the completion list whenever it goes back to waiting.
  useEffect(() => {
    if (busy) return;
    services.listFiles().then(setFiles, () => setFiles([]));
  }, [busy, services]);

  useInput((input, key) => {
    const current = store.getState();
    if (key.tab && key.shift) submit({ type: 'set_mode', mode: nextMode(current.status.mode) });
    // With a question open, Esc answers it (ApprovalPrompt); otherwise it stops the turn.
    else if (key.escape && current.approvals.length === 0 && isWorking(store.getState()))
      submit({ type: 'interrupt' });
  });

  const onCtrlCEmpty = () => {
    const now = Date.now();
    if (now - lastCtrlC.current <= DOUBLE_PRESS_MS) return onExit(isWorking(store.getState()));
    lastCtrlC.current = now;
    setHint('Press Ctrl-C again to exit');
  };

  return (
    <ColorContext.Provider value={color}>
      <Static items={state.items}>
        {(item) => <TranscriptItemView key={item.key} item={item} width={columns} />}
      </Static>
      <LiveRegion state={state} rows={rows - RESERVED_ROWS} now={ticker?.now} frame={ticker?.frame} />
      {approval && (
        <ApprovalPrompt
          key={approval.id}
          approval={approval}
          onAnswer={(op) => {
            setAnswered((ids) => new Set(ids).add(op.id));
            submit(op);
          }}
        />
      )}
      <PromptInput
        active={approval === undefined}
        files={files}
        onSubmit={send}
        unsent={state.unsent}
        onCtrlCEmpty={onCtrlCEmpty}
        onKey={() => {
          lastCtrlC.current = 0;
          if (hint) setHint(undefined);
        }}
      />
      {hint && <Text dimColor>{hint}</Text>}
      <StatusLine state={state} now={ticker?.now} frame={ticker?.frame} />
    </ColorContext.Provider>
  );
}

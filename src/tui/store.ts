import { TerminalSafeStream, terminalSafe, visibleLine, visibleText } from '../core/terminal-text.js';
import { initialState, reduce, type TuiAction, type TuiState } from './transcript-state.js';

/**
 * The reducer's state behind React's external-store interface. It exists apart
 * from the components so the session can be subscribed before the first
 * render: no event is lost while ink starts.
 */
export interface TuiStore {
  getState(): TuiState;
  dispatch(action: TuiAction): void;
  subscribe(listener: () => void): () => void;
}

export function createStore(): TuiStore {
  let state = initialState();
  const listeners = new Set<() => void>();
  const streams = new Streams();
  return {
    getState: () => state,
    dispatch(action) {
      // Everything shown comes through here: no text from the model, a tool or a file may act on the terminal.
      state = reduce(state, action.type === 'event' ? streams.safe(action) : safeStrings(action));
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The value with every string in it made safe for the terminal (escape sequences and controls removed). */
function safeStrings<T>(value: T): T {
  if (typeof value === 'string') return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map(safeStrings) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, safeStrings(field)])) as T;
  return value;
}

/**
 * Streamed text (answers, reasoning, live command output) arrives in chunks
 * that may split an escape sequence: each stream is made safe as a whole, so
 * not even the payload of a split sequence is shown.
 */
class Streams {
  private readonly open = new Map<string, TerminalSafeStream>();

  safe(action: Extract<TuiAction, { type: 'event' }>): TuiAction {
    const { event } = action;
    switch (event.type) {
      case 'assistant_delta':
      case 'thinking_delta':
        return { ...action, event: { ...event, text: this.stream(event.type).push(event.text) } };
      case 'tool_output':
        return { ...action, event: { ...event, chunk: this.stream(event.id).push(event.chunk) } };
      case 'assistant_message':
      case 'retry':
        this.open.delete('assistant_delta');
        this.open.delete('thinking_delta');
        break;
      case 'tool_call_end':
        this.open.delete(event.id);
        if (event.detail?.kind === 'diff')
          return safeStrings({
            ...action,
            event: { ...event, detail: { ...event.detail, diff: visibleText(event.detail.diff) } },
          });
        break;
      // What the user judges a call by shows every character it holds (see visibleText).
      case 'tool_call_start':
        return safeStrings({
          ...action,
          event: {
            ...event,
            arguments: visibleLine(event.arguments),
            ...(event.display && { display: { ...event.display, title: visibleLine(event.display.title) } }),
          },
        });
      case 'approval_request':
        return safeStrings({
          ...action,
          event: { ...event, title: visibleLine(event.title), detail: visibleText(event.detail) },
        });
    }
    return safeStrings(action);
  }

  private stream(key: string): TerminalSafeStream {
    let stream = this.open.get(key);
    if (!stream) this.open.set(key, (stream = new TerminalSafeStream()));
    return stream;
  }
}

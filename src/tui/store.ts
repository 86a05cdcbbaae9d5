import { terminalSafe } from '../core/terminal-text.js';
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
  return {
    getState: () => state,
    dispatch(action) {
      // Everything shown comes through here: no text from the model, a tool or a file may act on the terminal.
      state = reduce(state, safeStrings(action));
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

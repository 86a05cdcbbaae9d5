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
      state = reduce(state, action);
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

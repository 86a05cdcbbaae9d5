/**
 * What the UI needs from outside the session's event stream. `@path` mentions
 * are sent as typed: the runtime expands them (reading through the confined
 * workspace), so print mode gets the same behaviour and the UI never reads files.
 */
export interface TuiServices {
  /** Repository files relative to the workspace root, for `@` completion. */
  listFiles(): Promise<string[]>;
  /** What the session changed since its first checkpoint, a unified diff for `/diff` ('' when nothing); rejects with a reason it cannot tell. */
  sessionDiff(): Promise<string>;
}

import type { Key } from 'ink';
import { completionTarget } from './completion.js';

/**
 * The prompt's editing rules as a pure function of (state, key), so they are
 * tested without a terminal:
 * - Enter sends; Ctrl-J, Alt-Enter, or a trailing `\` before Enter insert a newline;
 * - Up/Down move between lines, and past the first/last line walk the history;
 *   while completions are shown they choose one, and Tab accepts it;
 * - Backspace, ←/→, Home/End (or Ctrl-A/Ctrl-E) edit and move; Ctrl-U, Ctrl-K and Ctrl-W
 *   delete to the line's start, to its end, and the word before the cursor (as readline).
 */
export interface EditorState {
  text: string;
  cursor: number;
  /** Sent messages, oldest first. */
  history: string[];
  /** Index into history while browsing it; undefined while editing a new message. */
  browsing?: number;
  /** The unsent text put aside while browsing the history. */
  draft: string;
  /** The highlighted completion. */
  selected: number;
}

interface EditResult {
  state: EditorState;
  /** Set when the key sent the prompt. */
  submit?: string;
}

export const emptyEditor = (history: string[] = []): EditorState => ({
  text: '',
  cursor: 0,
  history,
  draft: '',
  selected: 0,
});

/** Messages given back unsent (an interrupt) go before what is being typed, to edit or send again. */
export function takeBack(state: EditorState, text: string): EditorState {
  const combined = state.text ? `${text}\n${state.text}` : text;
  return { ...state, text: combined, cursor: combined.length, browsing: undefined, selected: 0 };
}

/** `suggestions`: the completions currently offered for the word under the cursor. */
export function edit(
  state: EditorState,
  input: string,
  key: Key,
  suggestions: readonly string[],
): EditResult {
  if (key.tab && !key.shift) return { state: accept(state, suggestions) };
  if (suggestions.length > 0 && (key.upArrow || key.downArrow)) {
    const step = key.upArrow ? -1 : 1;
    return {
      state: { ...state, selected: (state.selected + step + suggestions.length) % suggestions.length },
    };
  }
  if (key.return) {
    if (key.meta) return { state: insert(state, '\n') };
    if (state.text.slice(0, state.cursor).endsWith('\\')) {
      return {
        state: insert(
          { ...state, text: cut(state.text, state.cursor - 1, state.cursor), cursor: state.cursor - 1 },
          '\n',
        ),
      };
    }
    return send(state);
  }
  if (key.backspace || key.delete) {
    if (state.cursor === 0) return { state };
    return {
      state: {
        ...state,
        text: cut(state.text, state.cursor - 1, state.cursor),
        cursor: state.cursor - 1,
        selected: 0,
      },
    };
  }
  if (key.leftArrow) return { state: { ...state, cursor: Math.max(0, state.cursor - 1) } };
  if (key.rightArrow) return { state: { ...state, cursor: Math.min(state.text.length, state.cursor + 1) } };
  if (key.home || (key.ctrl && input === 'a'))
    return { state: { ...state, cursor: lineStart(state.text, state.cursor) } };
  if (key.end || (key.ctrl && input === 'e'))
    return { state: { ...state, cursor: lineEnd(state.text, state.cursor) } };
  // Readline's kills: Ctrl-U to the start of the line, Ctrl-K to its end, Ctrl-W the word before the cursor.
  if (key.ctrl && input === 'u')
    return { state: remove(state, lineStart(state.text, state.cursor), state.cursor) };
  if (key.ctrl && input === 'k')
    return { state: remove(state, state.cursor, lineEnd(state.text, state.cursor)) };
  if (key.ctrl && input === 'w')
    return { state: remove(state, wordStart(state.text, state.cursor), state.cursor) };
  if (key.upArrow) return { state: up(state) };
  if (key.downArrow) return { state: down(state) };
  if (key.ctrl || key.escape || input === '') return { state };
  return typeIn(state, input);
}

/**
 * Text arrives a key at a time, or several keys in one chunk (a paste, or a
 * fast `tmux send-keys "fix it" Enter`): a return inside the chunk is a newline
 * of the pasted text, a return ending it sends.
 */
function typeIn(state: EditorState, input: string): EditResult {
  if (input === '\n') return { state: insert(state, '\n') };
  const sends = input.length > 1 && input.endsWith('\r');
  const text = (sends ? input.slice(0, -1) : input).replace(/\r\n?/g, '\n');
  const next = insert(state, text);
  return sends ? send(next) : { state: next };
}

function send(state: EditorState): EditResult {
  const text = state.text;
  if (text.trim() === '') return { state };
  const history = state.history.at(-1) === text ? state.history : [...state.history, text];
  return { state: emptyEditor(history), submit: text };
}

function accept(state: EditorState, suggestions: readonly string[]): EditorState {
  const target = completionTarget(state.text, state.cursor);
  const choice = suggestions[state.selected] ?? suggestions[0];
  if (!target || choice === undefined) return state;
  const replacement = `${target.kind === 'command' ? '/' : '@'}${choice} `;
  const text = state.text.slice(0, target.start) + replacement + state.text.slice(target.end);
  return { ...state, text, cursor: target.start + replacement.length, selected: 0 };
}

function insert(state: EditorState, text: string): EditorState {
  return {
    ...state,
    text: state.text.slice(0, state.cursor) + text + state.text.slice(state.cursor),
    cursor: state.cursor + text.length,
    selected: 0,
  };
}

function up(state: EditorState): EditorState {
  const start = lineStart(state.text, state.cursor);
  if (start > 0) {
    const above = lineStart(state.text, start - 1);
    return { ...state, cursor: Math.min(above + (state.cursor - start), start - 1) };
  }
  const index = (state.browsing ?? state.history.length) - 1;
  if (index < 0) return state;
  const draft = state.browsing === undefined ? state.text : state.draft;
  return recall({ ...state, draft, browsing: index }, state.history[index]!);
}

function down(state: EditorState): EditorState {
  const end = lineEnd(state.text, state.cursor);
  if (end < state.text.length) {
    const column = state.cursor - lineStart(state.text, state.cursor);
    return { ...state, cursor: Math.min(end + 1 + column, lineEnd(state.text, end + 1)) };
  }
  if (state.browsing === undefined) return state;
  const index = state.browsing + 1;
  if (index >= state.history.length) return recall({ ...state, browsing: undefined }, state.draft);
  return recall({ ...state, browsing: index }, state.history[index]!);
}

/** Deletes the text between `from` and `to`, leaving the cursor where it began. */
const remove = (state: EditorState, from: number, to: number): EditorState => ({
  ...state,
  text: cut(state.text, from, to),
  cursor: from,
  selected: 0,
});
/** Where the word before the cursor starts, spaces after it included (readline's unix-word-rubout). */
const wordStart = (text: string, cursor: number): number =>
  cursor - /\S*\s*$/.exec(text.slice(lineStart(text, cursor), cursor))![0].length;
const recall = (state: EditorState, text: string): EditorState => ({ ...state, text, cursor: text.length });
const cut = (text: string, from: number, to: number): string => text.slice(0, from) + text.slice(to);
const lineStart = (text: string, cursor: number): number => text.lastIndexOf('\n', cursor - 1) + 1;
function lineEnd(text: string, cursor: number): number {
  const end = text.indexOf('\n', cursor);
  return end === -1 ? text.length : end;
}

import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/tui/commands.js';
import { completionTarget, fuzzyMatch } from '../src/tui/completion.js';
import { edit, emptyEditor, type EditorState } from '../src/tui/editor.js';

const noKey: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** Feeds keys (strings are typed text) and collects what was sent. */
function keys(steps: (string | Partial<Key>)[], state = emptyEditor(), suggestions: string[] = []) {
  const sent: string[] = [];
  for (const step of steps) {
    const result =
      typeof step === 'string'
        ? edit(state, step, noKey, suggestions)
        : edit(state, '', { ...noKey, ...step }, suggestions);
    state = result.state;
    if (result.submit !== undefined) sent.push(result.submit);
  }
  return { state, sent };
}

describe('prompt editing', () => {
  it('sends on Enter; Ctrl-J, Alt-Enter and a trailing backslash insert a newline', () => {
    const { sent, state } = keys([
      'one',
      '\n',
      'two',
      { return: true, meta: true },
      'three\\',
      { return: true },
      'four',
      { return: true },
    ]);
    expect(sent).toEqual(['one\ntwo\nthree\nfour']);
    expect(state.text).toBe('');
    expect(keys([{ return: true }]).sent).toEqual([]);
  });

  it('sends a chunk ending in a return (a fast `send-keys "text" Enter`), keeps returns inside a paste as newlines', () => {
    expect(keys(['fix the bug\r']).sent).toEqual(['fix the bug']);
    expect(keys(['line one\rline two']).state.text).toBe('line one\nline two');
  });

  it('edits at the cursor', () => {
    const { state } = keys([
      'helo',
      { leftArrow: true },
      'l',
      { end: true },
      '!',
      { backspace: true },
      { delete: true },
    ]);
    expect(state.text).toBe('hell');
  });

  it('walks the history with Up/Down past the first and last line, keeping the draft', () => {
    let { state } = keys(['first', { return: true }, 'second', { return: true }, 'draft']);
    state = keys([{ upArrow: true }], state).state;
    expect(state.text).toBe('second');
    state = keys([{ upArrow: true }, { upArrow: true }], state).state;
    expect(state.text).toBe('first');
    state = keys([{ downArrow: true }, { downArrow: true }], state).state;
    expect(state.text).toBe('draft');
    // Inside a multi-line prompt Up moves a line up instead.
    state = keys(['\nx', { upArrow: true }], emptyEditor(['old'])).state;
    expect(state).toMatchObject({ text: '\nx', cursor: 0 });
  });

  it('completes the selected suggestion with Tab; Up/Down choose while suggestions show', () => {
    const typed: EditorState = keys(['look at @sta']).state;
    const { state } = keys([{ downArrow: true }, { tab: true }, 'now'], typed, [
      'src/stats.js',
      'src/status.js',
    ]);
    expect(state.text).toBe('look at @src/status.js now');
    expect(keys(['/he', { tab: true }], emptyEditor(), ['help']).state.text).toBe('/help ');
    // Shift+Tab is the mode key, not completion.
    expect(keys(['/he', { tab: true, shift: true }], emptyEditor(), ['help']).state.text).toBe('/he');
  });
});

describe('completion', () => {
  it('finds the word to complete: a command at the start, a mention after @', () => {
    expect(completionTarget('/mo', 3)).toEqual({ kind: 'command', query: 'mo', start: 0, end: 3 });
    expect(completionTarget('fix @src/a', 10)).toEqual({ kind: 'path', query: 'src/a', start: 4, end: 10 });
    expect(completionTarget('mail me@host', 12)).toBeUndefined();
    expect(completionTarget('/mode plan', 10)).toBeUndefined();
  });

  it('ranks fuzzy matches: prefix, then file-name and contiguous matches, then shorter paths', () => {
    const files = ['src/lib/status/tests.js', 'src/stats.js', 'test/stats.test.js', 'README.md'];
    expect(fuzzyMatch('stats', files, 3)).toEqual([
      'src/stats.js',
      'test/stats.test.js',
      'src/lib/status/tests.js',
    ]);
    expect(fuzzyMatch('README', files, 5)).toEqual(['README.md']);
    expect(fuzzyMatch('zzz', files, 5)).toEqual([]);
    // Letters in the file name outrank the same letters spread over directories.
    expect(fuzzyMatch('ac', ['a/c/x.js', 'aaaa/bb/c.js'], 2)).toEqual(['aaaa/bb/c.js', 'a/c/x.js']);
  });
});

describe('slash command parsing', () => {
  it('knows commands, reports unknown ones, and leaves paths to the model', () => {
    expect(parseCommand('/model gpt-4o')).toMatchObject({
      name: 'model',
      arg: 'gpt-4o',
      command: { name: 'model' },
    });
    expect(parseCommand('/frobnicate')).toEqual({ name: 'frobnicate', arg: '', command: undefined });
    expect(parseCommand('/usr/bin is missing')).toBeUndefined();
    expect(parseCommand('hello /help')).toBeUndefined();
  });
});

import { Box, Text, useInput } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { COMMANDS } from '../commands.js';
import { completionTarget, fuzzyMatch } from '../completion.js';
import { edit, emptyEditor, takeBack, type EditorState } from '../editor.js';
import { useHue } from '../theme.js';

interface Props {
  /** False while another prompt (an approval) owns the keyboard. */
  active: boolean;
  /** Repository files for `@` completion. */
  files: readonly string[];
  onSubmit(text: string): void;
  /** Ctrl-C on an empty prompt: the app decides whether that exits. */
  onCtrlCEmpty(): void;
  /** Any other key: lets the app drop a stale hint. */
  onKey(): void;
  /** Queued messages an interrupt gave back: taken into the prompt once per `key`. */
  unsent?: { key: number; text: string } | undefined;
}

const COMMAND_NAMES = COMMANDS.map((c) => c.name);
const MAX_SUGGESTIONS = 6;

/** The multi-line prompt with history and completion; editing rules live in editor.ts. */
export function PromptInput({ active, files, onSubmit, onCtrlCEmpty, onKey, unsent }: Props) {
  const hue = useHue();
  const [editor, setEditor] = useState<EditorState>(() => emptyEditor());
  // Several keys can arrive before React re-renders (a paste, a fast typist): each must see the previous one's result.
  const latest = useRef(editor);
  const suggestions = useMemo(() => suggest(editor, files), [editor, files]);
  const suggestionsRef = useRef(suggestions);
  suggestionsRef.current = suggestions;

  const apply = (next: EditorState) => {
    latest.current = next;
    suggestionsRef.current = suggest(next, files);
    setEditor(next);
  };

  useEffect(() => {
    if (unsent) apply(takeBack(latest.current, unsent.text));
    // Once per return: the key is what changes.
  }, [unsent?.key]);

  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') {
        if (latest.current.text === '') onCtrlCEmpty();
        else apply(emptyEditor(latest.current.history));
        return;
      }
      onKey();
      const result = edit(latest.current, input, key, suggestionsRef.current);
      if (result.state !== latest.current) apply(result.state);
      if (result.submit !== undefined) onSubmit(result.submit);
    },
    { isActive: active },
  );

  const before = editor.text.slice(0, editor.cursor);
  const under = editor.text[editor.cursor];
  const after = editor.text.slice(editor.cursor + 1);
  return (
    <Box flexDirection="column">
      <Box>
        <Text color={hue(active ? 'magenta' : 'gray')}>› </Text>
        <Text dimColor={!active}>
          {before}
          {/* The cursor: a newline under it still shows as a block at the end of its line. */}
          <Text inverse={active}>{under === undefined || under === '\n' ? ' ' : under}</Text>
          {under === '\n' ? '\n' : ''}
          {after}
          {editor.text === '' && active && <Text dimColor> message, /help, @file</Text>}
        </Text>
      </Box>
      {active &&
        suggestions.map((suggestion, index) => (
          <Text
            key={suggestion}
            color={index === editor.selected ? hue('cyan') : undefined}
            dimColor={index !== editor.selected}
            wrap="truncate-end"
          >
            {'  '}
            {index === editor.selected ? '▸ ' : '  '}
            {suggestion}
          </Text>
        ))}
    </Box>
  );
}

/** Completions for the word under the cursor; none while browsing history or once the word is complete. */
function suggest(editor: EditorState, files: readonly string[]): string[] {
  const target = editor.browsing === undefined ? completionTarget(editor.text, editor.cursor) : undefined;
  if (!target) return [];
  const found = fuzzyMatch(target.query, target.kind === 'command' ? COMMAND_NAMES : files, MAX_SUGGESTIONS);
  return found.length === 1 && found[0] === target.query ? [] : found;
}

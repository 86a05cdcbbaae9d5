import { Box, Text, useInput } from 'ink';
import { useRef, useState } from 'react';
import type { Operation } from '../../runtime/protocol.js';
import { useHue } from '../theme.js';
import type { PendingApproval } from '../transcript-state.js';
import { DiffView } from './DiffView.js';

type Answer = Extract<Operation, { type: 'approval' }>;

/**
 * An approval inline with what it is about (the diff, or the command): y yes,
 * a always (this session), n no, then an optional note to the model and Enter.
 * A question of agent's own (approval.question) is y or n alone: Enter answers no.
 * Esc and Ctrl-C refuse, so no key leaves the session stuck on a question.
 */
export function ApprovalPrompt({
  approval,
  onAnswer,
}: {
  approval: PendingApproval;
  onAnswer(answer: Answer): void;
}) {
  const hue = useHue();
  const [note, setNote] = useState<string | undefined>(undefined);
  // Keys can arrive faster than React re-renders: the ref always holds the note typed so far.
  const noteRef = useRef<string | undefined>(undefined);
  const answer = (decision: Answer['decision'], text?: string) =>
    onAnswer({ type: 'approval', id: approval.id, decision, ...(text ? { note: text } : {}) });
  const update = (next: string | undefined) => {
    noteRef.current = next;
    setNote(next);
  };

  useInput((input, key) => {
    const typed = noteRef.current;
    if (key.escape || (key.ctrl && input === 'c')) return answer('no', typed);
    // Keys typed quickly arrive as one chunk ("n" and Enter as "n\r"): the first character is the choice.
    const note = typed ?? '';
    const text = typed === undefined ? input.slice(1) : input;
    if (typed === undefined) {
      const choice = input.slice(0, 1).toLowerCase();
      if (choice === 'y') return answer('yes');
      if (approval.question) return choice === 'n' || key.return ? answer('no') : undefined;
      if (choice === 'a') return answer('always');
      if (choice !== 'n') return;
      if (text === '') return update('');
    }
    const enter = text.indexOf('\r');
    if (key.return || enter !== -1) answer('no', (note + text.slice(0, Math.max(0, enter))).trim());
    else if (key.backspace || key.delete) update(note.slice(0, -1));
    else if (!key.ctrl && !key.meta && text) update(note + text);
  });

  return (
    <Box flexDirection="column" borderStyle="round" borderColor={hue('yellow')} paddingX={1}>
      <Text bold>{approval.question ? approval.title : `Allow ${approval.action}: ${approval.title}?`}</Text>
      {approval.action === 'edit' && !approval.question ? (
        <DiffView diff={approval.detail} />
      ) : (
        <Text color={hue('cyan')}>{approval.detail}</Text>
      )}
      {approval.question ? (
        <Text>
          <Text bold>y</Text> yes · <Text bold>n</Text> no
        </Text>
      ) : note === undefined ? (
        <Text>
          <Text bold>y</Text> yes · <Text bold>a</Text> always (this session) · <Text bold>n</Text> no
        </Text>
      ) : (
        <Text>
          Note to the model (Enter to refuse): {note}
          <Text inverse> </Text>
        </Text>
      )}
    </Box>
  );
}

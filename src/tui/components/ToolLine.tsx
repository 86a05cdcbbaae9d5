import { stripVTControlCharacters } from 'node:util';
import { Box, Text } from 'ink';
import { formatDuration } from '../format.js';
import { spinnerFrame, useHue } from '../theme.js';
import type { ToolCallView } from '../transcript-state.js';
import { DiffView } from './DiffView.js';

/** Lines of a running command shown live, and of a failed one kept after it ends. */
const LIVE_LINES = 4;
const FAILED_LINES = 3;

/**
 * One tool call as one line: a spinner and the elapsed time while it runs, the
 * last lines of its output under it; ✓/✗, duration and a summary once done,
 * with the diff of an edit or write.
 */
export function ToolLine({ call, now, frame = 0 }: { call: ToolCallView; now?: number; frame?: number }) {
  const hue = useHue();
  if (call.state === 'running') {
    const elapsed = now === undefined ? '' : `  ${formatDuration(Math.max(0, now - call.startedAt))}`;
    return (
      <Box flexDirection="column">
        <Text wrap="truncate-end">
          <Text color={hue('cyan')}>{spinnerFrame(frame)}</Text> {call.title}
          <Text dimColor>{elapsed}</Text>
        </Text>
        <OutputTail text={call.tail} lines={LIVE_LINES} />
      </Box>
    );
  }
  const ok = call.state === 'ok';
  const duration = call.durationMs === undefined ? '' : ` ${formatDuration(call.durationMs)}`;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={hue(ok ? 'green' : 'red')}>{ok ? '✓' : '✗'}</Text> {call.title}
        <Text dimColor>
          {duration}
          {call.summary ? ` · ${call.summary}` : ''}
        </Text>
      </Text>
      {!ok && call.detail?.kind === 'command' && <OutputTail text={call.tail} lines={FAILED_LINES} />}
      {call.detail?.kind === 'diff' && <DiffView diff={call.detail.diff} />}
    </Box>
  );
}

function OutputTail({ text, lines }: { text: string; lines: number }) {
  // A command's colours and progress bars (\r) would break the layout: keep what the line ends up showing.
  const last = stripVTControlCharacters(text)
    .split('\n')
    .map((line) => line.split('\r').at(-1) ?? '')
    .filter((line) => line.trim() !== '')
    .slice(-lines);
  if (last.length === 0) return null;
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {last.map((line, index) => (
        <Text key={index} dimColor wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}

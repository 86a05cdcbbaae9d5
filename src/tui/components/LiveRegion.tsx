import { Box, Text } from 'ink';
import type { TuiState } from '../transcript-state.js';
import { ToolLine } from './ToolLine.js';

interface Props {
  state: TuiState;
  /** Rows the live region may use: it must never outgrow the screen, or every redraw would scroll and flicker. */
  rows: number;
  now?: number;
  frame?: number;
}

/**
 * What is still happening: reasoning and text as they stream (plain until the
 * message is complete, then it moves to the scrollback as markdown), running
 * tool calls with their live output, sandbox set-up, and queued messages.
 */
export function LiveRegion({ state, rows, now, frame }: Props) {
  const streamed = state.streaming.replace(/\n+$/, '').split('\n');
  const visible = streamed.slice(-Math.max(3, rows));
  const thought = state.thinking.trim().split('\n').at(-1);
  const setup = state.setupTail.trim().split('\n').at(-1);
  return (
    <Box flexDirection="column">
      {thought && (
        <Text dimColor italic wrap="truncate-end">
          ✻ {thought}
        </Text>
      )}
      {state.streaming && (
        <Box flexDirection="column" marginTop={1}>
          {visible.length < streamed.length && (
            <Text dimColor>… {streamed.length - visible.length} lines above</Text>
          )}
          <Text>{visible.join('\n')}</Text>
        </Box>
      )}
      {state.running.map((call) => (
        <ToolLine key={call.id} call={call} now={now} frame={frame} />
      ))}
      {setup && (
        <Text dimColor wrap="truncate-end">
          setting up the sandbox: {setup}
        </Text>
      )}
      {state.queued.map((text, index) => (
        <Text key={index} dimColor wrap="truncate-end">
          ⧗ queued: {text.replace(/\s+/g, ' ')}
        </Text>
      ))}
    </Box>
  );
}

import { Box, Text } from 'ink';
import { useContext } from 'react';
import { renderMarkdown } from '../markdown.js';
import { ColorContext, useHue } from '../theme.js';
import type { TranscriptItem } from '../transcript-state.js';
import { DiffView } from './DiffView.js';
import { ToolLine } from './ToolLine.js';

/** A finished transcript item, as it is written once to the terminal's scrollback. */
export function TranscriptItemView({ item, width }: { item: TranscriptItem; width: number }) {
  const hue = useHue();
  const color = useContext(ColorContext);
  switch (item.kind) {
    case 'user':
      return (
        <Box marginTop={1}>
          <Text color={hue('magenta')}>› </Text>
          <Text bold>{item.text}</Text>
        </Box>
      );
    case 'assistant':
      return (
        <Box marginTop={1}>
          <Text>{renderMarkdown(item.text, Math.max(20, width - 1), color)}</Text>
        </Box>
      );
    case 'thinking': {
      // Collapsed: the reasoning's first line and its length; the answer matters more.
      const lines = item.text.trim().split('\n');
      return (
        <Text dimColor italic wrap="truncate-end">
          ✻ {lines[0]}
          {lines.length > 1 ? ` (+${lines.length - 1} lines of reasoning)` : ''}
        </Text>
      );
    }
    case 'tool':
      return <ToolLine call={item.call} />;
    case 'notice':
      return (
        <Text
          color={item.tone === 'info' ? undefined : hue(item.tone === 'warn' ? 'yellow' : 'red')}
          dimColor={item.tone === 'info'}
        >
          {item.text}
        </Text>
      );
    case 'diff':
      return (
        <Box flexDirection="column">
          <Text bold>{item.title}</Text>
          <DiffView diff={item.diff} maxLines={Infinity} fileHeaders />
        </Box>
      );
  }
}

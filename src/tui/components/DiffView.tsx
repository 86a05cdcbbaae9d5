import { Box, Text } from 'ink';
import { parseDiff } from '../diff-lines.js';
import { useHue } from '../theme.js';

/** Long diffs are cut here: the whole change is one /diff away, the transcript stays readable. */
const MAX_LINES = 40;

/**
 * An edit or write as a coloured diff with line numbers. With `fileHeaders`
 * (a diff of several files, such as /diff), the `---`/`+++` lines name each file.
 */
export function DiffView({
  diff,
  maxLines = MAX_LINES,
  fileHeaders = false,
}: {
  diff: string;
  maxLines?: number;
  fileHeaders?: boolean;
}) {
  const hue = useHue();
  // Otherwise file headers other than `diff --git a/x b/x` repeat what the title already says.
  const lines = parseDiff(diff).filter(
    (line) => fileHeaders || line.kind !== 'header' || line.text.startsWith('diff '),
  );
  const shown = lines.slice(0, maxLines);
  const width = String(Math.max(0, ...shown.map((line) => line.number ?? 0))).length;
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {shown.map((line, index) => {
        const gutter = line.number === undefined ? ' '.repeat(width) : String(line.number).padStart(width);
        switch (line.kind) {
          case 'add':
            return (
              <Text key={index} color={hue('green')} wrap="truncate-end">
                {`${gutter} + ${line.text}`}
              </Text>
            );
          case 'remove':
            return (
              <Text key={index} color={hue('red')} wrap="truncate-end">
                {`${gutter} - ${line.text}`}
              </Text>
            );
          case 'context':
            return (
              <Text key={index} dimColor wrap="truncate-end">
                {`${gutter}   ${line.text}`}
              </Text>
            );
          case 'hunk':
          case 'header':
            return (
              <Text key={index} color={hue('cyan')} dimColor wrap="truncate-end">
                {line.text}
              </Text>
            );
        }
      })}
      {lines.length > shown.length && <Text dimColor>… {lines.length - shown.length} more lines</Text>}
    </Box>
  );
}

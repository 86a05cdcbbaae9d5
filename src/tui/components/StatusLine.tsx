import { Box, Text } from 'ink';
import type { RouteReason } from '../../core/events.js';
import { formatCost, formatTokens, percentOf } from '../format.js';
import { spinnerFrame, useHue } from '../theme.js';
import type { TuiState } from '../transcript-state.js';

/**
 * What is happening now (only while the session works, with a spinner and a
 * clock), then model (and why the router chose it) · mode · sandbox · context · tokens · cost. Each row is
 * truncated rather than wrapped, so the bottom of the screen keeps its height
 * at any width.
 */
export function StatusLine({ state, now, frame = 0 }: { state: TuiState; now?: number; frame?: number }) {
  const hue = useHue();
  const { status } = state;
  const activity = describeActivity(state, now);
  const sandbox =
    status.sandbox === 'none'
      ? 'no sandbox'
      : [status.sandbox, status.sandboxState, status.network ? 'network on' : ''].filter(Boolean).join(' ');
  const info = [
    status.routeReason ? `${status.model} (${ROUTE_LABELS[status.routeReason]})` : status.model,
    status.mode,
    sandbox,
    status.indexing && `indexing ${status.indexing.done}/${status.indexing.total} files`,
    `ctx ${percentOf(status.contextUsed, status.contextWindow)}`,
    `${formatTokens(status.total.input_tokens + status.total.output_tokens)} tok`,
    formatCost(status.cost),
  ].filter(Boolean);
  return (
    <Box flexDirection="column">
      {activity && (
        <Text wrap="truncate-end">
          <Text color={hue('cyan')}>{spinnerFrame(frame)}</Text> {activity}
        </Text>
      )}
      <Text dimColor wrap="truncate-end">
        {info.join(' · ')}
      </Text>
    </Box>
  );
}

const ROUTE_LABELS: Record<RouteReason, string> = {
  first_turn: 'first turn',
  user_spoke: 'after your message',
  after_failure: 'after a failure',
  repeated_failures: 'repeated failures',
  context_too_large: 'context too large for the fast model',
  routine: 'routine step',
  tool_error: 'retrying a tool error',
  cache_warm: 'routine step, cheaper with its warm cache',
  summary: 'summary',
  own_reasoning: 'continues its reasoning',
  fallback: 'the main provider is down',
  recovered: 'the main provider is back',
};

function describeActivity(state: TuiState, now: number | undefined): string | undefined {
  const since = (start: number | undefined) =>
    now === undefined || start === undefined ? '' : ` for ${Math.max(0, Math.floor((now - start) / 1000))} s`;
  if (state.approvals.length > 0) return 'waiting for your answer';
  const call = state.running[0];
  if (call) return `running ${call.title}${since(call.startedAt)}`;
  if (state.status.busySince === undefined) return undefined;
  return `${state.streaming ? 'writing' : 'thinking'}…${since(state.status.turnSince ?? state.status.busySince)} · Esc to interrupt`;
}

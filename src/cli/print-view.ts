import type { AgentEvent, EventSink } from '../core/events.js';
import { callSummary } from '../core/call-summary.js';
import { jsonLine, terminalSafe, visibleLine } from '../core/terminal-text.js';
import { commitLine } from '../git/commit-line.js';

export type OutputFormat = 'text' | 'json' | 'stream-json';

export interface PrintViewOptions {
  format: OutputFormat;
  /** Stream the assistant's words and show tool activity as it happens (text format only). */
  live: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Headless output: a view over the event stream and nothing more.
 * - stream-json: every event as one JSON line, ending with the result line;
 * - json: the result object alone;
 * - text: the final answer (errors on stderr); with `live`, progress as it happens.
 */
export function createPrintView(options: PrintViewOptions): EventSink {
  if (options.format === 'stream-json') return (event) => options.stdout.write(jsonLine(event));
  if (options.format === 'json') {
    return (event) => {
      if (event.type === 'result') options.stdout.write(jsonLine(event));
    };
  }
  // Model text, tool output and errors reach the terminal: nothing in them may act on it.
  const stdout = terminalWriter(options.stdout);
  const stderr = terminalWriter(options.stderr);
  return options.live ? liveTextView(stdout, stderr) : finalTextView(stdout, stderr);
}

interface Writer {
  write(text: string): void;
}

const terminalWriter = (stream: NodeJS.WritableStream): Writer => ({
  write: (text) => void stream.write(terminalSafe(text)),
});

function finalTextView(stdout: Writer, stderr: Writer): EventSink {
  return (event) => {
    if (event.type === 'retry') stderr.write(`agent: ${event.reason}; retrying in ${event.delay_ms} ms\n`);
    // Rare and worth knowing while waiting: a first image build, a switch to a fallback provider.
    if (event.type === 'notice') stderr.write(`agent: ${event.message}\n`);
    if (event.type !== 'result') return;
    if (event.text) stdout.write(event.text.endsWith('\n') ? event.text : `${event.text}\n`);
    if (event.is_error) stderr.write(`agent: ${describeFailure(event)}\n`);
  };
}

function liveTextView(stdout: Writer, stderr: Writer): EventSink {
  let midLine = false;
  const endLine = () => {
    if (midLine) stdout.write('\n');
    midLine = false;
  };
  return (event: AgentEvent) => {
    switch (event.type) {
      case 'assistant_delta':
        stdout.write(event.text);
        midLine = !event.text.endsWith('\n');
        break;
      case 'assistant_message':
        endLine();
        break;
      case 'tool_call_start':
        stderr.write(`  → ${visibleLine(event.name)} ${summariseArguments(event.arguments)}\n`);
        break;
      case 'tool_call_end':
        stderr.write(
          `  ${event.is_error ? '✗' : '✓'} ${event.name} (${event.duration_ms} ms)${summaryOf(event)}\n`,
        );
        break;
      case 'retry':
        endLine();
        stderr.write(`  ! ${event.reason}; retrying in ${event.delay_ms} ms (attempt ${event.attempt})\n`);
        break;
      case 'compaction':
        stderr.write(
          `  ~ context compacted: ${event.tokens_before} → ${event.tokens_after} tokens (${event.strategy})\n`,
        );
        break;
      case 'setup_output':
        stderr.write(event.chunk);
        break;
      case 'notice':
        stderr.write(`  ${event.message}\n`);
        break;
      case 'git_commit':
        stderr.write(`  ${commitLine(event)}\n`);
        break;
      case 'index_progress':
        stderr.write(
          event.files_done === event.files_total
            ? `  indexed ${event.files_total} files\n`
            : `  indexing the repository: ${event.files_done}/${event.files_total} files\n`,
        );
        break;
      case 'result':
        endLine();
        stderr.write(
          event.is_error
            ? `agent: ${describeFailure(event)}\n`
            : `— done in ${event.turns} model call${event.turns === 1 ? '' : 's'}, ${(event.duration_ms / 1000).toFixed(1)} s, ` +
                `${event.usage.input_tokens} in / ${event.usage.output_tokens} out tokens` +
                `${event.usage.cost_usd === undefined ? '' : `, $${event.usage.cost_usd.toFixed(4)}`}\n`,
        );
        break;
    }
  };
}

function describeFailure(event: Extract<AgentEvent, { type: 'result' }>): string {
  return `${event.status}${event.error ? `: ${event.error}` : ''}`;
}

function summariseArguments(raw: string): string {
  const oneLine = visibleLine(raw.replace(/\s+/g, ' '));
  return oneLine.length > 100 ? `${oneLine.slice(0, 97)}...` : oneLine;
}

function summaryOf(event: Extract<AgentEvent, { type: 'tool_call_end' }>): string {
  const summary = callSummary(event.is_error, event.output, event.detail);
  return summary ? `: ${summary}` : '';
}

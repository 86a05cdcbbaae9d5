import type { ToolCall } from './messages.js';
import type { UsageReport } from './usage.js';

/**
 * Everything a session does is reported as one of these events. Front ends
 * (print mode, the interactive UI) are views over this stream and nothing else.
 */
export type ResultStatus = 'success' | 'error' | 'max_turns' | 'interrupted';

export interface ResultEvent {
  type: 'result';
  status: ResultStatus;
  is_error: boolean;
  turns: number;
  duration_ms: number;
  session_id: string;
  usage: UsageReport;
  text: string;
  error?: string;
}

export type AgentEvent =
  | {
      type: 'session_start';
      session_id: string;
      cwd: string;
      provider: string;
      model: string;
      sandbox: string;
      tools: string[];
    }
  | { type: 'turn_start'; turn: number; model: string }
  | { type: 'assistant_delta'; text: string }
  /** The model's reasoning as it streams, where the provider shows it. */
  | { type: 'thinking_delta'; text: string }
  /** The model's complete turn; partial deltas of a retried attempt are superseded by this. */
  | { type: 'assistant_message'; text: string; tool_calls: ToolCall[] }
  | { type: 'tool_call_start'; id: string; name: string; arguments: string }
  /** Live output of the sandbox's setup command (--setup), before the network is sealed. */
  | { type: 'setup_output'; chunk: string }
  /** Live output of a running tool (terminal commands stream here). */
  | { type: 'tool_output'; id: string; chunk: string }
  | {
      type: 'tool_call_end';
      id: string;
      name: string;
      is_error: boolean;
      output: string;
      duration_ms: number;
    }
  | { type: 'usage'; turn: UsageReport; total: UsageReport }
  /** A provider call failed transiently and will be retried; deltas streamed since turn_start are void. */
  | { type: 'retry'; attempt: number; delay_ms: number; reason: string }
  | { type: 'compaction'; tokens_before: number; tokens_after: number; strategy: string }
  | { type: 'notice'; message: string }
  | { type: 'error'; message: string }
  | ResultEvent;

export type EventSink = (event: AgentEvent) => void;

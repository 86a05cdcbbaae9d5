import type { Summarize } from '../context/compaction/compactor.js';
import { transcript } from '../context/compaction/transcript.js';
import type { Usage } from '../core/usage.js';
import type { Provider } from '../providers/provider.js';
import type { Route } from './model-router.js';

/**
 * Compaction's summaries, written from a plain transcript of the turns by the
 * model the router picks for summaries (the fast one, when configured).
 */
export function modelSummarizer(
  provider: Provider,
  /** The model for a transcript of this many tokens; announces its choice. */
  route: (promptTokens: number) => Route,
  countTokens: (text: string) => number,
  maxOutputTokens: number,
  /** The signal of the work the summary is for, read at each call (a session outlives many messages). */
  signal: () => AbortSignal,
  /** A summary costs like a turn: its usage goes into the session's totals. */
  onUsage: (model: string, usage: Usage) => void,
): Summarize {
  return async (messages, instructions) => {
    const content = transcript(messages);
    const { model } = route(countTokens(instructions) + countTokens(content));
    const response = await provider.complete(
      {
        model,
        system: instructions,
        messages: [{ role: 'user', content }],
        tools: [],
        maxOutputTokens,
        signal: signal(),
      },
      {},
    );
    onUsage(model, response.usage);
    return response.text;
  };
}

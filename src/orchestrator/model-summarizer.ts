import type { Summarize } from '../context/compaction/compactor.js';
import { transcript } from '../context/compaction/transcript.js';
import type { Provider } from '../providers/provider.js';

/** Compaction's summaries, written by the session's own model from a plain transcript of the turns. */
export function modelSummarizer(
  provider: Provider,
  model: string,
  maxOutputTokens: number,
  /** The signal of the work the summary is for, read at each call (a session outlives many messages). */
  signal: () => AbortSignal,
): Summarize {
  return async (messages, instructions) => {
    const response = await provider.complete(
      {
        model,
        system: instructions,
        messages: [{ role: 'user', content: transcript(messages) }],
        tools: [],
        maxOutputTokens,
        signal: signal(),
      },
      {},
    );
    return response.text;
  };
}

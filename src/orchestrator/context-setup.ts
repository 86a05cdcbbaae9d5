import type { EventSink } from '../core/events.js';
import type { Usage } from '../core/usage.js';
import { Compactor } from '../context/compaction/compactor.js';
import { startTokenCounter } from '../context/compaction/token-counter.js';
import type { Retriever } from '../context/retrieval/retriever.js';
import type { ModelInfo } from '../providers/models.js';
import type { Provider } from '../providers/provider.js';
import { ContextKeeper } from './context-keeper.js';
import { modelSummarizer } from './model-summarizer.js';
import { pickSummaryModel, type ModelChoice } from './model-router.js';
import { debugLog } from '../core/debug-log.js';

/** The repo map's share of the window: enough to orient the model, small enough to leave room for work. */
const REPO_MAP_SHARE = 0.04;
const REPO_MAP_MAX_TOKENS = 2048;
/**
 * How long the first model call may wait for the index. A cached index is
 * ready in milliseconds; a first build of a huge repository is not waited for:
 * the map then shows what is indexed so far (source files are indexed first).
 */
const REPO_MAP_WAIT_MS = 3000;

export function createContextKeeper(
  model: ModelInfo,
  /** The models; the main one may change during the session (read at each summary). */
  models: () => ModelChoice,
  provider: Provider,
  maxOutputTokens: number,
  emit: EventSink,
  signal: () => AbortSignal,
  onSummaryUsage: (model: string, usage: Usage) => void,
): ContextKeeper {
  const counter = startTokenCounter(model.id);
  // Room for the reply is reserved: the prompt may use only what the reply leaves.
  const window = Math.max(1024, model.contextWindow - maxOutputTokens);
  const compactor = new Compactor({ counter, window });
  return new ContextKeeper(
    compactor,
    counter,
    modelSummarizer(
      provider,
      (promptTokens) => {
        const route = pickSummaryModel(models(), promptTokens);
        emit({ type: 'route', ...route });
        return route;
      },
      (text) => counter.count(text),
      maxOutputTokens,
      signal,
      onSummaryUsage,
    ),
    emit,
  );
}

/** The repo map for the focus (from what is indexed so far when the build outlasts the wait), or '' when there is no parsable code. */
export async function repoMapFor(
  retriever: Retriever,
  focus: { text: string; files?: string[] },
  model: ModelInfo,
): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>(
    (resolve) => (timer = setTimeout(() => resolve(false), REPO_MAP_WAIT_MS)),
  );
  try {
    const ready = await Promise.race([retriever.ready().then(() => true), timeout]);
    const budgetTokens = Math.min(REPO_MAP_MAX_TOKENS, Math.floor(model.contextWindow * REPO_MAP_SHARE));
    const request = { focusText: focus.text, focusFiles: focus.files ?? [], budgetTokens };
    return ready ? await retriever.repoMap(request) : retriever.repoMapSoFar(request);
  } catch (error) {
    debugLog.swallowed('system prompt: building the repo map', error);
    return '';
  } finally {
    clearTimeout(timer);
  }
}

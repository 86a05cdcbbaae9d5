import { watchedFetch } from './idle-timeout.js';
import { sdkLogger } from './sdk-log.js';

interface SdkClientOptions {
  apiKey: string;
  baseURL: string;
  maxRetries: number;
  fetch: typeof fetch;
  /** A null value removes a header the SDK would send (Azure's key replaces the bearer token). */
  defaultHeaders?: Record<string, string | null>;
  defaultQuery?: Record<string, string>;
  logger: typeof sdkLogger;
}

type SdkModule<Client> = { default: new (options: SdkClientOptions) => Client };

/** What an adapter may add to the client: headers and query parameters, and a fetch wrapped around the watched one. */
export interface SdkClientExtras {
  defaultHeaders?: Record<string, string | null>;
  defaultQuery?: Record<string, string>;
  wrapFetch?: (inner: typeof fetch) => typeof fetch;
}

/**
 * The SDK client, created on first use so starting the CLI never loads an SDK it does not need.
 * Its own retries are off: retry.ts owns retrying, so the SDK must not retry behind its back.
 * Its fetch feeds the idle timeout (idle-timeout.ts); its log goes to the debug log (sdk-log.ts).
 */
export function lazySdkClient<Client>(
  load: () => Promise<SdkModule<Client>>,
  apiKey: string,
  baseURL: string,
  { wrapFetch, ...extras }: SdkClientExtras = {},
): () => Promise<Client> {
  let client: Promise<Client> | undefined;
  const fetch = wrapFetch ? wrapFetch(watchedFetch) : watchedFetch;
  return () =>
    (client ??= load().then(
      ({ default: SdkClient }) =>
        // Its log (at the level ANTHROPIC_LOG or OPENAI_LOG ask for) goes to the debug log, never to the terminal.
        new SdkClient({
          apiKey,
          baseURL,
          maxRetries: 0,
          fetch,
          logger: sdkLogger,
          ...extras,
        }),
    ));
}

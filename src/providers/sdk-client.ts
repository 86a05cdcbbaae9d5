import { watchedFetch } from './idle-timeout.js';

interface SdkClientOptions {
  apiKey: string;
  baseURL: string;
  maxRetries: number;
  fetch: typeof fetch;
}

type SdkModule<Client> = { default: new (options: SdkClientOptions) => Client };

/**
 * The SDK client, created on first use so starting the CLI never loads an SDK it does not need.
 * Its own retries are off: retry.ts owns retrying, so the SDK must not retry behind its back.
 * Its fetch feeds the idle timeout (idle-timeout.ts).
 */
export function lazySdkClient<Client>(
  load: () => Promise<SdkModule<Client>>,
  apiKey: string,
  baseURL: string,
): () => Promise<Client> {
  let client: Promise<Client> | undefined;
  return () =>
    (client ??= load().then(
      ({ default: SdkClient }) => new SdkClient({ apiKey, baseURL, maxRetries: 0, fetch: watchedFetch }),
    ));
}

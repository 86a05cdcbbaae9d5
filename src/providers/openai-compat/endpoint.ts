import type { SdkClientExtras } from '../sdk-client.js';

/**
 * Where the SDK sends requests, and how it authenticates, for a configured
 * base URL. Azure OpenAI's classic deployment URLs
 * (`https://NAME.openai.azure.com/openai/deployments/DEPLOYMENT?api-version=…`)
 * carry a query string, which the SDK would put before `/chat/completions`,
 * and take the key in an `api-key` header instead of a bearer token.
 */

/** The latest GA version of Azure's data-plane API, for a deployment URL that names none. */
const AZURE_API_VERSION = '2024-10-21';
const AZURE_HOST = /\.(openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$/;
const AZURE_DEPLOYMENT = /\/openai\/deployments\/[^/]+\/?$/;

/** Azure OpenAI serves OpenAI's own models, silently thinking ones included. */
export const isAzure = (baseUrl: string): boolean => AZURE_HOST.test(new URL(baseUrl).hostname);

export interface SdkEndpoint {
  baseURL: string;
  extras: Pick<SdkClientExtras, 'defaultHeaders' | 'defaultQuery'>;
}

export function sdkEndpoint(baseUrl: string, apiKey: string): SdkEndpoint {
  const url = new URL(baseUrl);
  const query = Object.fromEntries(url.searchParams);
  const deployment = AZURE_DEPLOYMENT.test(url.pathname);
  if (deployment) query['api-version'] ??= AZURE_API_VERSION;
  url.search = '';
  const azure = deployment || isAzure(baseUrl);
  return {
    baseURL: url.toString().replace(/\/$/, ''),
    extras: {
      ...(Object.keys(query).length > 0 && { defaultQuery: query }),
      ...(azure && { defaultHeaders: { 'api-key': apiKey, Authorization: null } }),
    },
  };
}

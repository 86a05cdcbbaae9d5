import type { ProviderError } from '../provider.js';

/**
 * What a server refuses in a request, read from its error, so the adapter can
 * ask again the way it accepts (and keep asking that way for the session).
 */

export type TokenLimitField = 'max_tokens' | 'max_completion_tokens';

/** OpenAI's reasoning models refuse max_tokens, wherever they are served (api.openai.com, Azure, a proxy). */
const COMPLETION_TOKENS_MODELS = /^(?:.*\/)?(?:o\d|gpt-5)/;

export const tokenLimitFieldFor = (model: string): TokenLimitField =>
  COMPLETION_TOKENS_MODELS.test(model) ? 'max_completion_tokens' : 'max_tokens';

const REFUSED =
  /unsupported|not supported|unrecognized|unknown|not permitted|not allowed|extra inputs|invalid/i;

/** OpenAI: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead." */
export const refusesTokenLimitField = (error: ProviderError, sent: TokenLimitField): boolean =>
  error.kind === 'bad_request' && error.message.includes(sent) && REFUSED.test(error.message);

/**
 * llama.cpp builds without streamed tool calls: "Cannot use tools with stream";
 * OpenAI organisations not verified for a model: "Your organization must be verified to stream this model".
 */
export const refusesStreaming = (error: ProviderError): boolean =>
  error.kind === 'bad_request' &&
  /stream/i.test(error.message) &&
  /cannot|can't|not supported|unsupported|not allowed|must be verified/i.test(error.message);

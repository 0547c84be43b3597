// The default price table, USD per 1M tokens. Input and output rates of the chat models are the
// Python original's (ractogateway 0.1.4); added here: the published prompt-cache rates (OpenAI's
// cached input for gpt-4o and gpt-4o-mini; Anthropic's cache reads at 0.1x and cache writes at
// 1.25x the input rate) and three OpenAI embedding models. Pure data; used on both threads.

import { ModelPricing, type PriceTable } from './model-pricing.js';

const p = (inputPerMillion: number, outputPerMillion: number, cachedInputPerMillion?: number, cacheWritePerMillion?: number): ModelPricing =>
  new ModelPricing({ inputPerMillion, outputPerMillion, cachedInputPerMillion, cacheWritePerMillion });
/** Anthropic's prompt caching: reads at 0.1x, 5-minute writes at 1.25x the input rate. */
const anthropic = (input: number, output: number): ModelPricing => p(input, output, round6(input * 0.1), round6(input * 1.25));
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export const DEFAULT_COST_TABLE: PriceTable = Object.freeze({
  // OpenAI
  'gpt-4o': p(2.5, 10, 1.25),
  'gpt-4o-mini': p(0.15, 0.6, 0.075),
  'gpt-4-turbo': p(10, 30),
  'gpt-4': p(30, 60),
  'gpt-3.5-turbo': p(0.5, 1.5),
  o1: p(15, 60),
  'o1-mini': p(3, 12),
  'o3-mini': p(1.1, 4.4),
  // Anthropic
  'claude-opus-4-6': anthropic(15, 75),
  'claude-sonnet-4-6': anthropic(3, 15),
  'claude-haiku-4-5-20251001': anthropic(0.8, 4),
  'claude-sonnet-4-5-20250929': anthropic(3, 15),
  'claude-3-5-sonnet-20241022': anthropic(3, 15),
  'claude-3-5-haiku-20241022': anthropic(0.8, 4),
  'claude-3-opus-20240229': anthropic(15, 75),
  'claude-3-haiku-20240307': anthropic(0.25, 1.25),
  // Google
  'gemini-2.0-flash': p(0.1, 0.4),
  'gemini-2.0-flash-lite': p(0.075, 0.3),
  'gemini-2.5-pro': p(1.25, 10),
  'gemini-1.5-pro': p(1.25, 5),
  'gemini-1.5-flash': p(0.075, 0.3),
  'gemini-1.5-flash-8b': p(0.0375, 0.15),
  'gemini-1.0-pro': p(0.5, 1.5),
  // OpenAI embeddings (input tokens only)
  'text-embedding-3-small': p(0.02, 0),
  'text-embedding-3-large': p(0.13, 0),
  'text-embedding-ada-002': p(0.1, 0),
});

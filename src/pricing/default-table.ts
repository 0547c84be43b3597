// The default price table, USD per 1M tokens (input / output), as shipped by the Python
// original (ractogateway 0.1.4). Pure data; used on both threads.

import { ModelPricing, type PriceTable } from './model-pricing.js';

const p = (inputPerMillion: number, outputPerMillion: number): ModelPricing =>
  new ModelPricing({ inputPerMillion, outputPerMillion });

export const DEFAULT_COST_TABLE: PriceTable = Object.freeze({
  // OpenAI
  'gpt-4o': p(2.5, 10),
  'gpt-4o-mini': p(0.15, 0.6),
  'gpt-4-turbo': p(10, 30),
  'gpt-4': p(30, 60),
  'gpt-3.5-turbo': p(0.5, 1.5),
  o1: p(15, 60),
  'o1-mini': p(3, 12),
  'o3-mini': p(1.1, 4.4),
  // Anthropic
  'claude-opus-4-6': p(15, 75),
  'claude-sonnet-4-6': p(3, 15),
  'claude-haiku-4-5-20251001': p(0.8, 4),
  'claude-sonnet-4-5-20250929': p(3, 15),
  'claude-3-5-sonnet-20241022': p(3, 15),
  'claude-3-5-haiku-20241022': p(0.8, 4),
  'claude-3-opus-20240229': p(15, 75),
  'claude-3-haiku-20240307': p(0.25, 1.25),
  // Google
  'gemini-2.0-flash': p(0.1, 0.4),
  'gemini-2.0-flash-lite': p(0.075, 0.3),
  'gemini-2.5-pro': p(1.25, 10),
  'gemini-1.5-pro': p(1.25, 5),
  'gemini-1.5-flash': p(0.075, 0.3),
  'gemini-1.5-flash-8b': p(0.0375, 0.15),
  'gemini-1.0-pro': p(0.5, 1.5),
});

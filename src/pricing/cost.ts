// computeCost: the estimated USD cost of one call. Pure; used on both threads.

import { invalidRange, invalidType } from '../errors.js';
import { DEFAULT_COST_TABLE } from './default-table.js';
import type { ModelPricingInit } from './model-pricing.js';

/**
 * USD cost of a call: input * inputPerMillion / 1e6 + output * outputPerMillion / 1e6.
 * An unknown model costs 0. Not rounded; span attributes round to 8 decimals.
 */
export function computeCost(
  model: string,
  inputTokens: number,
  outputTokens: number,
  priceTable: Readonly<Record<string, ModelPricingInit>> = DEFAULT_COST_TABLE,
): number {
  if (typeof model !== 'string') throw invalidType('model', 'a string', model);
  checkTokens('inputTokens', inputTokens);
  checkTokens('outputTokens', outputTokens);
  return costOf(lookupPrice(priceTable, model), inputTokens, outputTokens);
}

/** Own-property lookup, so `constructor` or `__proto__` never resolve to a price. */
export function lookupPrice(
  table: Readonly<Record<string, ModelPricingInit>>,
  model: string,
): ModelPricingInit | undefined {
  return Object.hasOwn(table, model) ? table[model] : undefined;
}

/** The unchecked core, for callers that validated already (the worker). */
export function costOf(
  pricing: ModelPricingInit | undefined,
  inputTokens: number,
  outputTokens: number,
): number {
  if (pricing === undefined) return 0;
  return (inputTokens * pricing.inputPerMillion) / 1e6 + (outputTokens * pricing.outputPerMillion) / 1e6;
}

function checkTokens(field: string, value: unknown): void {
  if (typeof value !== 'number') throw invalidType(field, 'a number', value);
  if (!Number.isInteger(value) || value < 0) throw invalidRange(field, 'an integer >= 0', value);
}

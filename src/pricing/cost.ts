// Where a call's price comes from, and computeCost(). Pure apart from caches; used on both threads.
//
// Order of precedence, first match wins:
//   1. the user's table (priceTable / setPriceTable), the id as given        -> 'custom'
//   2. the user's table, the id's canonical form (table-resolver.ts)         -> 'alias'
//   3. genai-prices, the id as given, helped by the call's provider          -> 'genai-prices'
//   4. genai-prices, the id without a `provider/` or `models/` path          -> 'alias'
//   5. DEFAULT_COST_TABLE (the original's table), the id as given            -> 'default'
//   6. DEFAULT_COST_TABLE, the id's canonical form                           -> 'alias'
//   otherwise 'unpriced' (cost 0).
// `alias` says the id as given matched nothing and a normalised form of it did; the order above
// says which table's price that is.

import { invalidRange, invalidType } from '../errors.js';
import { DEFAULT_COST_TABLE } from './default-table.js';
import { genaiPrice } from './genai.js';
import type { ModelPricingInit } from './model-pricing.js';
import { costOfCall, tablePrice, type CallPrice } from './rates.js';
import { TableResolver, withoutPath } from './table-resolver.js';

/** Where a call's price was found (see the order above). */
export type PriceSource = 'custom' | 'genai-prices' | 'default' | 'alias' | 'unpriced';

export interface ResolvedPrice {
  price: CallPrice | undefined;
  source: PriceSource;
}

const UNPRICED: ResolvedPrice = Object.freeze({ price: undefined, source: 'unpriced' });
const defaults = new TableResolver(DEFAULT_COST_TABLE);

/** Resolves (provider, model) pairs to prices under one user table. Callers cache the results. */
export class PriceResolver {
  readonly table: Readonly<Record<string, ModelPricingInit>>;
  readonly #custom: TableResolver;

  /** `table`: the user's entries only; genai-prices and DEFAULT_COST_TABLE stand behind them. */
  constructor(table: Readonly<Record<string, ModelPricingInit>> = {}) {
    this.table = table;
    this.#custom = new TableResolver(table);
  }

  resolve(model: string, provider = ''): ResolvedPrice {
    // No call has an empty id (records refuse it); the worker's warm-up records do, and must not load genai-prices.
    if (model.length === 0) return UNPRICED;
    const custom = this.#custom.find(model);
    if (custom !== undefined) return { price: tablePrice(custom.pricing), source: custom.exact ? 'custom' : 'alias' };
    let price = genaiPrice(provider, model);
    if (price !== undefined) return { price, source: 'genai-prices' };
    const bare = withoutPath(model);
    if (bare !== model && bare.length > 0) {
      price = genaiPrice(provider, bare);
      if (price !== undefined) return { price, source: 'alias' };
    }
    const fallback = defaults.find(model);
    if (fallback !== undefined) return { price: tablePrice(fallback.pricing), source: fallback.exact ? 'default' : 'alias' };
    return UNPRICED;
  }
}

const resolvers = new WeakMap<object, PriceResolver>();

/** The resolver of the user table `table`, built once per table object. */
export function resolverFor(table: Readonly<Record<string, ModelPricingInit>>): PriceResolver {
  let r = resolvers.get(table);
  if (r === undefined) {
    r = new PriceResolver(table);
    resolvers.set(table, r);
  }
  return r;
}

// --- the public function ----------------------------------------------------------------------

export interface CostOptions {
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  /** Part of outputTokens; matters for the few models that bill reasoning at its own rate. */
  reasoningTokens?: number;
  /** The call's provider (`openai`, `anthropic`, `google`, `azure`, `bedrock`, ...): helps genai-prices find the model. */
  provider?: string;
  /** When the call was made (a Date or epoch milliseconds), for prices that change by date or hour. Default: now. */
  at?: Date | number;
}

const EMPTY_TABLE: Readonly<Record<string, ModelPricingInit>> = Object.freeze({});

/**
 * USD cost of a call, priced as the tracer prices it: `priceTable` (your entries, ModelPricing
 * or plain objects), then genai-prices, then DEFAULT_COST_TABLE. An unpriced model costs 0.
 */
export function computeCost(
  model: string,
  inputTokens: number,
  outputTokens: number,
  priceTable: Readonly<Record<string, ModelPricingInit>> = EMPTY_TABLE,
  options: CostOptions = {},
): number {
  if (typeof model !== 'string') throw invalidType('model', 'a string', model);
  checkTokens('inputTokens', inputTokens);
  checkTokens('outputTokens', outputTokens);
  const cachedInputTokens = options.cachedInputTokens ?? 0;
  const cacheWriteTokens = options.cacheWriteTokens ?? 0;
  const reasoningTokens = options.reasoningTokens ?? 0;
  checkTokens('cachedInputTokens', cachedInputTokens);
  checkTokens('cacheWriteTokens', cacheWriteTokens);
  checkTokens('reasoningTokens', reasoningTokens);
  if (cachedInputTokens + cacheWriteTokens > inputTokens) {
    throw invalidRange('cachedInputTokens + cacheWriteTokens', `at most inputTokens (${inputTokens})`, cachedInputTokens + cacheWriteTokens);
  }
  if (reasoningTokens > outputTokens) throw invalidRange('reasoningTokens', `at most outputTokens (${outputTokens})`, reasoningTokens);
  const provider = options.provider ?? '';
  if (typeof provider !== 'string') throw invalidType('options.provider', 'a string', provider);
  const at: unknown = options.at instanceof Date ? options.at.getTime() : (options.at ?? Date.now());
  if (typeof at !== 'number') throw invalidType('options.at', 'a Date or epoch milliseconds', options.at);
  if (!Number.isFinite(at)) throw invalidRange('options.at', 'a valid time', at);
  const { price } = resolverFor(priceTable).resolve(model, provider);
  return costOfCall(price, inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens, at);
}

function checkTokens(field: string, value: unknown): void {
  if (typeof value !== 'number') throw invalidType(field, 'a number', value);
  if (!Number.isInteger(value) || value < 0) throw invalidRange(field, 'an integer >= 0', value);
}

// ModelPricing: USD per one million tokens. Pure; used on both threads.

import { invalidRange, invalidType } from '../errors.js';

export interface ModelPricingInit {
  inputPerMillion: number;
  outputPerMillion: number;
  /** Input tokens read from the provider's prompt cache. Absent: billed at inputPerMillion. */
  cachedInputPerMillion?: number;
  /** Input tokens written to the provider's prompt cache. Absent: billed at inputPerMillion. */
  cacheWritePerMillion?: number;
}

/** A validated, frozen price for one model, in USD per 1,000,000 tokens. Zero is a valid price. */
export class ModelPricing implements ModelPricingInit {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
  readonly cachedInputPerMillion?: number;
  readonly cacheWritePerMillion?: number;

  constructor(init: ModelPricingInit, field = 'pricing') {
    if (typeof init !== 'object' || init === null) {
      throw invalidType(field, 'an object with inputPerMillion and outputPerMillion', init);
    }
    this.inputPerMillion = checkPrice(`${field}.inputPerMillion`, init.inputPerMillion);
    this.outputPerMillion = checkPrice(`${field}.outputPerMillion`, init.outputPerMillion);
    if (init.cachedInputPerMillion !== undefined) {
      this.cachedInputPerMillion = checkPrice(`${field}.cachedInputPerMillion`, init.cachedInputPerMillion);
    }
    if (init.cacheWritePerMillion !== undefined) {
      this.cacheWritePerMillion = checkPrice(`${field}.cacheWritePerMillion`, init.cacheWritePerMillion);
    }
    Object.freeze(this);
  }
}

function checkPrice(field: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidType(field, 'a number', value);
  if (!Number.isFinite(value) || value < 0) {
    throw invalidRange(field, 'a finite number >= 0', value);
  }
  return value;
}

export type PriceTable = Readonly<Record<string, ModelPricing>>;

/** A table with no entries: what a tracer without a priceTable option prices with (genai-prices, then the defaults). */
export const EMPTY_PRICE_TABLE: PriceTable = Object.freeze({});

/** Plain-data form of a price table, the form that crosses to workers. */
export type PriceTableData = Record<string, ModelPricingInit>;

/**
 * Validates a user table (ModelPricing instances or plain objects) and merges it over `base`;
 * user entries win. Returns a new frozen table of ModelPricing; `base` is not modified.
 */
export function mergePriceTable(
  base: PriceTable,
  user: Readonly<Record<string, ModelPricingInit>> | undefined,
  field = 'options.priceTable',
): PriceTable {
  const out: Record<string, ModelPricing> = Object.assign(Object.create(null), base);
  if (user === undefined) return Object.freeze(out);
  if (typeof user !== 'object' || user === null || Array.isArray(user)) {
    throw invalidType(field, 'an object mapping model names to prices', user);
  }
  for (const model of Object.keys(user)) {
    if (model.length === 0) throw invalidRange(`${field} key`, 'a non-empty model name', model);
    const entry = user[model];
    out[model] = entry instanceof ModelPricing ? entry : new ModelPricing(entry, `${field}[${JSON.stringify(model)}]`);
  }
  return Object.freeze(out);
}

export function priceTableToData(table: PriceTable): PriceTableData {
  const data: PriceTableData = {};
  for (const model of Object.keys(table)) {
    const p = table[model];
    data[model] = { ...p };
  }
  return data;
}

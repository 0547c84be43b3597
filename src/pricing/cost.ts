// Cost of one call, and how a model id finds its price. Pure; used on both threads.

import { invalidRange, invalidType } from '../errors.js';
import { DEFAULT_COST_TABLE } from './default-table.js';
import type { ModelPricingInit } from './model-pricing.js';

/** How a call's price was found: the model id as given, a normalised alias of it, or not at all. */
export type PriceSource = 'exact' | 'alias' | 'unpriced';

/** Token counts that decide a cost. Cached and cache-write tokens are part of `inputTokens`. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
}

/**
 * USD cost of a call. Input tokens read from or written to the prompt cache are billed at their
 * own rates (the input rate when the table has none) and only the rest of the input at the input
 * rate, so no token is billed twice. Reasoning tokens are part of the output and billed with it.
 * An unpriced model costs 0. Not rounded; span attributes round to 8 decimals.
 */
export function costOf(pricing: ModelPricingInit | undefined, u: Usage): number {
  return costOfTokens(pricing, u.inputTokens, u.outputTokens, u.cachedInputTokens ?? 0, u.cacheWriteTokens ?? 0);
}

/** costOf() with the usage as plain numbers: the same arithmetic, with no object per call (the worker's encoder). */
export function costOfTokens(
  pricing: ModelPricingInit | undefined,
  inputTokens: number,
  outputTokens: number,
  cachedInputTokens: number,
  cacheWriteTokens: number,
): number {
  if (pricing === undefined) return 0;
  const plain = inputTokens - cachedInputTokens - cacheWriteTokens;
  return (
    (plain * pricing.inputPerMillion +
      cachedInputTokens * (pricing.cachedInputPerMillion ?? pricing.inputPerMillion) +
      cacheWriteTokens * (pricing.cacheWritePerMillion ?? pricing.inputPerMillion) +
      outputTokens * pricing.outputPerMillion) / 1e6
  );
}

// --- finding a price --------------------------------------------------------------------------

// Suffixes that name a snapshot of a model rather than another model: `-2024-08-06`,
// `-20241022`, `@20241022` (Vertex), `-0613` (OpenAI's month-day), `-002` (Gemini revisions),
// `-latest`. Removed one at a time from the end.
const SNAPSHOT_SUFFIX = /(?:-\d{4}-\d{2}-\d{2}|[-@]\d{8}|-\d{4}|-\d{3}|-latest)$/;

/**
 * The canonical form a model id is matched under when it is not in the table as given:
 * lower case, without any `provider/` or `models/` path in front, without snapshot suffixes.
 * `models/gemini-1.5-pro-002` → `gemini-1.5-pro`, `openai/gpt-4o-2024-08-06` → `gpt-4o`,
 * `claude-3-5-sonnet@20241022` → `claude-3-5-sonnet`.
 */
export function canonicalModel(model: string): string {
  let m = model.trim().toLowerCase();
  const slash = m.lastIndexOf('/');
  if (slash >= 0) m = m.slice(slash + 1);
  for (let next = m.replace(SNAPSHOT_SUFFIX, ''); next !== m && next.length > 0; next = m.replace(SNAPSHOT_SUFFIX, '')) m = next;
  return m;
}

export interface ResolvedPrice {
  pricing: ModelPricingInit | undefined;
  source: PriceSource;
}

const UNPRICED: ResolvedPrice = Object.freeze({ pricing: undefined, source: 'unpriced' });

/**
 * Finds prices in one table: the exact id first (own properties only, so `constructor` or
 * `__proto__` never resolve), then the canonical form of the id against the canonical forms of
 * the table's ids. Two table entries with the same canonical form but different prices make that
 * form ambiguous, and it resolves to nothing rather than to a guess.
 */
export class PriceResolver {
  readonly table: Readonly<Record<string, ModelPricingInit>>;
  readonly #aliases = new Map<string, ModelPricingInit | null>();

  constructor(table: Readonly<Record<string, ModelPricingInit>>) {
    this.table = table;
    for (const id of Object.keys(table)) {
      const key = canonicalModel(id);
      const seen = this.#aliases.get(key);
      if (seen === undefined) this.#aliases.set(key, table[id]);
      else if (seen !== null && !samePrice(seen, table[id])) this.#aliases.set(key, null);
    }
  }

  resolve(model: string): ResolvedPrice {
    if (Object.hasOwn(this.table, model)) return { pricing: this.table[model], source: 'exact' };
    const alias = this.#aliases.get(canonicalModel(model));
    return alias === undefined || alias === null ? UNPRICED : { pricing: alias, source: 'alias' };
  }
}

function samePrice(a: ModelPricingInit, b: ModelPricingInit): boolean {
  return a.inputPerMillion === b.inputPerMillion && a.outputPerMillion === b.outputPerMillion &&
    a.cachedInputPerMillion === b.cachedInputPerMillion && a.cacheWritePerMillion === b.cacheWritePerMillion;
}

const defaultResolver = new PriceResolver(DEFAULT_COST_TABLE);
const resolvers = new WeakMap<object, PriceResolver>();

/** The resolver of `table`, built once per table object. */
export function resolverFor(table: Readonly<Record<string, ModelPricingInit>>): PriceResolver {
  if (table === DEFAULT_COST_TABLE) return defaultResolver;
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
}

/**
 * USD cost of a call: the model's price found as the tracer finds it (exact id, then alias),
 * cached and cache-write input at their own rates. An unpriced model costs 0.
 */
export function computeCost(
  model: string,
  inputTokens: number,
  outputTokens: number,
  priceTable: Readonly<Record<string, ModelPricingInit>> = DEFAULT_COST_TABLE,
  options: CostOptions = {},
): number {
  if (typeof model !== 'string') throw invalidType('model', 'a string', model);
  checkTokens('inputTokens', inputTokens);
  checkTokens('outputTokens', outputTokens);
  const cachedInputTokens = options.cachedInputTokens ?? 0;
  const cacheWriteTokens = options.cacheWriteTokens ?? 0;
  checkTokens('cachedInputTokens', cachedInputTokens);
  checkTokens('cacheWriteTokens', cacheWriteTokens);
  if (cachedInputTokens + cacheWriteTokens > inputTokens) {
    throw invalidRange('cachedInputTokens + cacheWriteTokens', `at most inputTokens (${inputTokens})`, cachedInputTokens + cacheWriteTokens);
  }
  return costOf(resolverFor(priceTable).resolve(model).pricing, { inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens });
}

function checkTokens(field: string, value: unknown): void {
  if (typeof value !== 'number') throw invalidType(field, 'a number', value);
  if (!Number.isInteger(value) || value < 0) throw invalidRange(field, 'an integer >= 0', value);
}

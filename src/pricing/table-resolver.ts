// How a model id finds its entry in one price table (the user's, or DEFAULT_COST_TABLE): the id
// as given, then its canonical form. Pure; used on both threads.

import type { ModelPricingInit } from './model-pricing.js';

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
  let m = withoutPath(model.trim().toLowerCase());
  for (let next = m.replace(SNAPSHOT_SUFFIX, ''); next !== m && next.length > 0; next = m.replace(SNAPSHOT_SUFFIX, '')) m = next;
  return m;
}

/** The id without any `provider/` or `models/` path in front. */
export function withoutPath(model: string): string {
  const slash = model.lastIndexOf('/');
  return slash >= 0 ? model.slice(slash + 1) : model;
}

/** A table entry found for an id: as given (`exact`) or under its canonical form (`alias`). */
export interface TableMatch {
  pricing: ModelPricingInit;
  exact: boolean;
}

/**
 * Finds prices in one table: the exact id first (own properties only, so `constructor` or
 * `__proto__` never resolve), then the canonical form of the id against the canonical forms of
 * the table's ids. Two table entries with the same canonical form but different prices make that
 * form ambiguous, and it resolves to nothing rather than to a guess.
 */
export class TableResolver {
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

  find(model: string): TableMatch | undefined {
    if (Object.hasOwn(this.table, model)) return { pricing: this.table[model], exact: true };
    const alias = this.#aliases.get(canonicalModel(model));
    return alias === undefined || alias === null ? undefined : { pricing: alias, exact: false };
  }
}

function samePrice(a: ModelPricingInit, b: ModelPricingInit): boolean {
  return a.inputPerMillion === b.inputPerMillion && a.outputPerMillion === b.outputPerMillion &&
    a.cachedInputPerMillion === b.cachedInputPerMillion && a.cacheWritePerMillion === b.cacheWritePerMillion;
}

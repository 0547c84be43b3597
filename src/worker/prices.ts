// The price tables a worker prices its records with, by version. Worker only.
//
// tracer.setPriceTable() makes version v, applying from record index `from`. The main thread
// stores v in C_PRICES before it publishes any record at or past `from`, then posts the table
// (PricesMessage). A worker that sees a version it has no table for yet does not claim until
// the table arrives, so no record is ever priced with the wrong table; a batch never spans two
// versions (forClaim() ends it where the next version starts).

import { PriceResolver } from '../pricing/cost.js';
import type { RecordContext } from '../spans/record.js';
import type { PricesMessage } from '../shared/worker-config.js';

interface Version {
  version: number;
  /** First record index (`| 0`) priced with it; version 0 has none. */
  from: number | undefined;
  ctx: RecordContext;
}

export interface ClaimPrices {
  ctx: RecordContext;
  /** Records from the claim's start until the next version begins (Infinity: no next). */
  until: number;
}

export class PriceVersions {
  /** Sorted by version; the first applies to every record below the second's `from`. */
  readonly #versions: Version[];
  readonly #onMissing: () => void;
  #requested = 0;
  #arrival: { promise: Promise<void>; resolve: () => void } | undefined;

  /** `onMissing` asks the main thread for the tables of versions this worker lacks. */
  constructor(base: RecordContext, onMissing: () => void) {
    this.#versions = [{ version: 0, from: undefined, ctx: base }];
    this.#onMissing = onMissing;
  }

  get latest(): number {
    return this.#versions[this.#versions.length - 1].version;
  }

  add(msg: PricesMessage): void {
    const vs = this.#versions;
    if (vs.some((v) => v.version === msg.version) || msg.version < vs[0].version) return;
    const ctx: RecordContext = { ...vs[0].ctx, prices: new PriceResolver(msg.table) };
    vs.push({ version: msg.version, from: msg.from, ctx });
    vs.sort((a, b) => a.version - b.version);
    this.#arrival?.resolve();
    this.#arrival = undefined;
  }

  /**
   * New data for genai-prices arrived (the refreshPrices option): every version gets a new
   * resolver of the same table, so the next claims resolve their models again, and the caches
   * keyed by the old context (prices per model, encoded spans) are left behind.
   */
  renew(): void {
    for (const v of this.#versions) v.ctx = { ...v.ctx, prices: new PriceResolver(v.ctx.prices.table) };
  }

  /** Resolves when the next table arrives (a loop waits on it while a version is missing). */
  arrival(): Promise<void> {
    if (this.#arrival === undefined) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#arrival = { promise, resolve };
    }
    return this.#arrival.promise;
  }

  /**
   * The table for records claimed from `start`, given the latest version the main thread has
   * made; undefined while that version's table has not arrived (it is asked for once).
   */
  forClaim(start: number, latestVersion: number): ClaimPrices | undefined {
    const vs = this.#versions;
    if (latestVersion > this.latest) {
      if (this.#requested < latestVersion) {
        this.#requested = latestVersion;
        this.#onMissing();
      }
      return undefined;
    }
    // Versions whose successor starts at or before `start` will never be needed again.
    while (vs.length > 1 && ((start - (vs[1].from as number)) | 0) >= 0) vs.shift();
    const next = vs[1];
    return { ctx: vs[0].ctx, until: next === undefined ? Infinity : ((next.from as number) - start) | 0 };
  }
}

// The versions of the price table tracer.setPriceTable() made, as the workers need them: each
// applies from a record index on (worker/prices.ts), and a worker that starts late (a crashed
// one's replacement) is sent every version still in some worker's future. Main thread only.

import type { PricesMessage } from '../shared/worker-config.js';
import type { PriceTableData } from '../pricing/model-pricing.js';

interface PriceVersion extends PricesMessage {
  /** `from` as a full record index. */
  at: number;
}

export class PriceHistory {
  readonly #versions: PriceVersion[] = [];

  /**
   * The next version: `table` for records from index `at` on. Versions whose successor starts
   * at or before `claimed` (the loops' claim index) are in no worker's future and are forgotten.
   */
  next(table: PriceTableData, at: number, claimed: number): PricesMessage {
    const version = (this.#versions.at(-1)?.version ?? 0) + 1;
    const message: PriceVersion = { type: 'prices', version, from: at | 0, table, at };
    this.#versions.push(message);
    while (this.#versions.length > 1 && this.#versions[1].at <= claimed) this.#versions.shift();
    const { at: _at, ...data } = message;
    return data;
  }

  /** The messages a starting worker is sent, oldest first. */
  messages(): PricesMessage[] {
    return this.#versions.map(({ at: _at, ...message }) => message);
  }
}

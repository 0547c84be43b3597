// Partial success (OTLP ExportTracePartialSuccess) as the gateway's log sees it: once per burst
// and destination, with the collector's message, never once per batch. A burst ends with an
// answer that refuses nothing. Worker only; the lines go to the main thread's diag.

import type { DestinationOutcome } from '../../shared/worker-config.js';

export class PartialSuccessLog {
  readonly #names: readonly string[];
  readonly #log: (message: string) => void;
  /** Spans refused in each destination's current burst; 0 outside a burst. */
  readonly #burst: number[];

  constructor(names: readonly string[], log: (message: string) => void) {
    this.#names = names;
    this.#log = log;
    this.#burst = names.map(() => 0);
  }

  seen(outcomes: DestinationOutcome[]): void {
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i];
      const refused = (o.rejected ?? 0) + (o.tooLarge ?? 0);
      if (refused === 0) {
        if (o.ok) this.#burst[i] = 0;
        continue;
      }
      if (this.#burst[i] === 0) {
        const why = o.rejected ? `rejected ${o.rejected} spans${o.note ? `: ${o.note}` : ''}` : `found ${o.tooLarge} spans too large alone${o.message ? ` (${o.message})` : ''}`;
        this.#log(`ractogateway: the collector of ${this.#names[i]} ${why} (counted failed; said once until it takes a batch whole)`);
      }
      this.#burst[i] += refused;
    }
  }
}

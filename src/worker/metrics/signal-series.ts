// What a record's signals row (issue 32) adds to its series: gateway-cache savings, the time
// between a stream's chunks, the provider's rate-limit headroom. Worker thread only (the drain
// loop's aggregation, series.ts).
//
// The time-per-chunk histogram from three numbers: a record carries a stream's chunk count, the
// time from its first chunk to its last and its largest gap, not every gap (that would be a clock
// read per chunk and a variable-size record). The histogram's count and sum are exact (count - 1
// gaps, their total); its buckets hold the largest gap in its own bucket and the other gaps at
// their mean, which is exact for a steady stream and keeps a stall visible.

import { SG_CHUNKS, SG_F_CHUNKS_AFTER_FIRST, SG_F_MAX_GAP, SG_HAVE, SG_HAVE_CHUNKS, SG_HAVE_LIMITS_SHIFT, SG_HAVE_SAVED, SG_LIMIT, SG_REMAINING, SG_SAVED_INPUT, SG_SAVED_OUTPUT, SIGNALS_F64, SIGNALS_U32 } from '../../shared/layout.js';
import { LIMIT_KINDS } from '../../shared/ratelimit.js';
import type { RingViews } from '../../shared/ring.js';
import type { CallPrice } from '../../pricing/rates.js';
import { gatewaySavings } from '../../pricing/savings.js';
import {
  bucket, CHUNK_SECONDS_BOUNDS, COST_SCALE, LIMIT_WORDS, V_CHUNK, V_CHUNK_COUNT, V_CHUNK_SUM, V_LIMIT_REMAINING, V_LIMIT_REMAINING_AT, V_LIMIT_VALUE, V_LIMIT_VALUE_AT,
  V_LIMITS, V_SAVED_GATEWAY,
} from './series.js';

/** Adds record `i`'s signals row to its series values `v`; `price` and `epochMs` as its cost's. */
export function addSignals(v: Float64Array, records: RingViews, i: number, price: CallPrice | undefined, epochMs: number): void {
  const sig = records.sig;
  const ub = i * SIGNALS_U32;
  const have = sig[ub + SG_HAVE];
  if ((have & SG_HAVE_SAVED) !== 0) {
    v[V_SAVED_GATEWAY] += Math.round(gatewaySavings(price, sig[ub + SG_SAVED_INPUT], sig[ub + SG_SAVED_OUTPUT], epochMs) * COST_SCALE);
  }
  if ((have & SG_HAVE_CHUNKS) !== 0) {
    const gaps = sig[ub + SG_CHUNKS] - 1;
    if (gaps > 0) {
      const fb = i * SIGNALS_F64;
      const total = records.sigF64[fb + SG_F_CHUNKS_AFTER_FIRST] / 1000;
      const max = records.sigF64[fb + SG_F_MAX_GAP] / 1000;
      v[V_CHUNK_COUNT] += gaps;
      v[V_CHUNK_SUM] += total;
      v[V_CHUNK + bucket(CHUNK_SECONDS_BOUNDS, max)] += 1;
      if (gaps > 1) v[V_CHUNK + bucket(CHUNK_SECONDS_BOUNDS, Math.max(0, total - max) / (gaps - 1))] += gaps - 1;
    }
  }
  const limits = have >>> SG_HAVE_LIMITS_SHIFT;
  if (limits === 0) return;
  for (let k = 0; k < LIMIT_KINDS.length; k++) {
    const at = V_LIMITS + k * LIMIT_WORDS;
    const bits = limits >>> (3 * k);
    // Records of one batch come in call order: a later one is the newer value (>=).
    if ((bits & 1) !== 0 && epochMs >= v[at + V_LIMIT_REMAINING_AT]) {
      v[at + V_LIMIT_REMAINING] = sig[ub + SG_REMAINING + k];
      v[at + V_LIMIT_REMAINING_AT] = epochMs;
    }
    if ((bits & 2) !== 0 && epochMs >= v[at + V_LIMIT_VALUE_AT]) {
      v[at + V_LIMIT_VALUE] = sig[ub + SG_LIMIT + k];
      v[at + V_LIMIT_VALUE_AT] = epochMs;
    }
  }
}

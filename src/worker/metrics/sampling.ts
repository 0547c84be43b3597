// Tail sampling: which spans of a drained range are exported, decided in the worker once each call
// is known (after the metrics counted it). Worker thread only.
//
// A failed call is kept (keepErrors), a call slower than keepSlowerThanMs is kept, and the rest
// are kept when the trace id's last 32 bits, read as a fraction of 2^32, fall below `ratio`: a
// decision that depends on the trace alone, so the spans of one trace (a parent given on the
// call) share it. A parent that was not sampled never reaches the ring (notSampled, main thread).

import { F_LATENCY, FLAG_ERROR, RECORD_F64, RECORD_U32, U_FLAGS } from '../../shared/layout.js';
import type { SamplingConfig } from '../../shared/metrics-config.js';
import { ID_BYTES, TRACE_AT, type TakenRange } from '../build.js';

export class TailSampler {
  readonly #keepErrors: boolean;
  readonly #slowerThan: number;
  /** ratio * 2^32: a trace is kept when its last 32 bits are below it. */
  readonly #threshold: number;
  #keep = new Uint8Array(0);

  constructor(config: SamplingConfig) {
    this.#keepErrors = config.keepErrors;
    this.#slowerThan = config.keepSlowerThanMs;
    this.#threshold = config.ratio * 4_294_967_296;
  }

  /** Keeps the sampled spans of `range` (TakenRange.retain); returns how many were left out. */
  sample(range: TakenRange): number {
    const n = range.length;
    if (this.#keep.length < n) this.#keep = new Uint8Array(n);
    const keep = this.#keep;
    const u = range.records.u32;
    const f = range.records.f64;
    const ids = range.ids;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const at = i * ID_BYTES + TRACE_AT + 12;
      const bits = ids[at] * 16_777_216 + ((ids[at + 1] << 16) | (ids[at + 2] << 8) | ids[at + 3]);
      const yes = bits < this.#threshold ||
        (this.#keepErrors && (u[i * RECORD_U32 + U_FLAGS] & FLAG_ERROR) !== 0) ||
        f[i * RECORD_F64 + F_LATENCY] > this.#slowerThan;
      keep[i] = yes ? 1 : 0;
      if (yes) kept++;
    }
    if (kept < n) range.retain(keep);
    return n - kept;
  }
}

// Reads a range of records out of the ring and makes SpanData: prices the call, fixes its times
// and ids. Worker thread only (the ring reads are the only shared-memory access).

import { randomFillSync } from 'node:crypto';
import { decodeRecord, emptyFields } from '../shared/codec.js';
import { FLAG_PARENT } from '../shared/layout.js';
import type { RingViews } from '../shared/ring.js';
import { parentSpanIdHex, traceIdHex } from '../shared/trace-ids.js';
import type { PriceTableData } from '../pricing/model-pricing.js';
import { toSpanRecord, type StringLookup } from '../spans/record.js';
import { SAMPLED, type SpanData } from '../spans/readable-span.js';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Random non-zero ids, drawn in one call per batch. */
class IdSource {
  #bytes = new Uint8Array(0);
  #at = 0;

  refill(spans: number): void {
    const need = spans * 24;
    if (this.#bytes.length < need) this.#bytes = new Uint8Array(need);
    randomFillSync(this.#bytes, 0, need);
    this.#at = 0;
  }

  next(byteCount: 8 | 16): string {
    const b = this.#bytes;
    let s = '';
    let zero = true;
    for (let i = 0; i < byteCount; i++) {
      const v = b[this.#at + i];
      if (v !== 0) zero = false;
      s += HEX[v];
    }
    this.#at += byteCount;
    // An all-zero id is invalid in OTel; the chance is 2^-64, the fix is cheap.
    return zero ? `${s.slice(0, -2)}01` : s;
  }
}

const ids = new IdSource();
const scratch = emptyFields();

export function buildRange(
  ring: RingViews,
  start: number,
  end: number,
  strings: StringLookup,
  prices: PriceTableData,
  timeOrigin: number,
): SpanData[] {
  const out: SpanData[] = new Array(end - start);
  ids.refill(end - start);
  for (let i = start; i < end; i++) {
    const r = decodeRecord(ring, i, scratch);
    const record = toSpanRecord(r, strings, prices, timeOrigin);
    const hasParent = (r.flags & FLAG_PARENT) !== 0;
    out[i - start] = {
      record,
      traceId: hasParent ? traceIdHex(r) : ids.next(16),
      spanId: ids.next(8),
      parentSpanId: hasParent ? parentSpanIdHex(r) : undefined,
      traceFlags: hasParent ? r.traceFlags : SAMPLED,
      startMs: record.timestamp - r.latencyMs,
      endMs: record.timestamp,
    };
  }
  return out;
}

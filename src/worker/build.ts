// A drained range of the ring, as the worker holds it: a private copy of its records plus the
// span ids made for them. Worker thread only.
//
// takeRange() copies the range's bytes out of the shared ring (one or two memcpys) so the
// worker can release the slots at once; everything after reads the copy. The OTLP encoder reads
// the copied records directly, with no object per span; SpanData (for SpanExporters and the
// main thread's customExporter) is made from the copy only when some destination asks for it.
//
// Ids are made once, as bytes (ID_BYTES per span: trace id, span id, parent span id or zeros).

import { randomFillSync } from 'node:crypto';
import { decodeRecord, emptyFields } from '../shared/codec.js';
import { FLAG_PARENT, HEADER_BYTES, RECORD_BYTES, RECORD_U32, U_FLAGS, U_MODEL, U_PARENT, U_TRACE } from '../shared/layout.js';
import { ringViews, type RingViews } from '../shared/ring.js';
import { priceOfModel, toSpanRecord, type RecordContext } from '../spans/record.js';
import { SAMPLED, type SpanData } from '../spans/readable-span.js';

/** Bytes of ids per span in TakenRange.ids: trace id at +0, span id at +16, parent at +24. */
export const ID_BYTES = 32;
export const TRACE_AT = 0;
export const SPAN_AT = 16;
export const PARENT_AT = 24;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n; i++) s += HEX[b[i]];
  return s;
}

function writeWord(b: Uint8Array, at: number, w: number): void {
  b[at] = w >>> 24;
  b[at + 1] = (w >>> 16) & 0xff;
  b[at + 2] = (w >>> 8) & 0xff;
  b[at + 3] = w & 0xff;
}

/** An all-zero id is invalid in OTel; the chance is 2^-64, the fix is cheap. */
function nonZero(b: Uint8Array, at: number, n: number): void {
  for (let i = at; i < at + n; i++) if (b[i] !== 0) return;
  b[at + n - 1] = 1;
}

export class TakenRange {
  /** Number of spans. */
  readonly length: number;
  /** The copied records, indexed 0..length-1, readable with decodeRecord(). */
  readonly records: RingViews;
  readonly ids: Uint8Array;
  readonly ctx: RecordContext;
  /** Calls whose model has no price, by model string id. */
  readonly unpricedIds: Map<number, number>;
  #data: SpanData[] | undefined;

  constructor(records: RingViews, length: number, ids: Uint8Array, ctx: RecordContext, unpricedIds: Map<number, number>) {
    this.records = records;
    this.length = length;
    this.ids = ids;
    this.ctx = ctx;
    this.unpricedIds = unpricedIds;
  }

  /** One SpanData per span, made on first use. */
  get data(): SpanData[] {
    this.#data ??= this.#makeData();
    return this.#data;
  }

  #makeData(): SpanData[] {
    const out: SpanData[] = new Array(this.length);
    const r = emptyFields();
    const ids = this.ids;
    for (let i = 0; i < this.length; i++) {
      decodeRecord(this.records, i, r);
      const record = toSpanRecord(r, this.ctx);
      const at = i * ID_BYTES;
      const hasParent = (r.flags & FLAG_PARENT) !== 0;
      out[i] = {
        record,
        traceId: hex(ids, at + TRACE_AT, 16),
        spanId: hex(ids, at + SPAN_AT, 8),
        parentSpanId: hasParent ? hex(ids, at + PARENT_AT, 8) : undefined,
        traceFlags: hasParent ? r.traceFlags : SAMPLED,
        startMs: record.timestamp - r.latencyMs,
        endMs: record.timestamp,
      };
    }
    return out;
  }
}

/** Copies records [start, end) out of the shared ring and makes their ids. */
export function takeRange(ring: RingViews, start: number, end: number, ctx: RecordContext): TakenRange {
  const n = end - start;
  let capacity = 1;
  while (capacity < n) capacity *= 2;
  const buffer = new ArrayBuffer(HEADER_BYTES + capacity * RECORD_BYTES);
  const bytes = new Uint8Array(buffer, HEADER_BYTES);
  const from = new Uint8Array(ring.buffer, HEADER_BYTES);
  const first = start & ring.mask;
  const untilWrap = Math.min(n, ring.capacity - first);
  bytes.set(from.subarray(first * RECORD_BYTES, (first + untilWrap) * RECORD_BYTES), 0);
  if (untilWrap < n) bytes.set(from.subarray(0, (n - untilWrap) * RECORD_BYTES), untilWrap * RECORD_BYTES);
  const records = ringViews(buffer, capacity);

  // Random bytes for every id slot in one call; a captured parent's trace id overwrites its own.
  const ids = randomFillSync(new Uint8Array(n * ID_BYTES));
  const u = records.u32;
  const unpriced = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const modelId = u[i * RECORD_U32 + U_MODEL];
    if (priceOfModel(ctx, modelId).source === 'unpriced') unpriced.set(modelId, (unpriced.get(modelId) ?? 0) + 1);
    const at = i * ID_BYTES;
    const ub = i * RECORD_U32;
    if ((u[ub + U_FLAGS] & FLAG_PARENT) !== 0) {
      for (let w = 0; w < 4; w++) writeWord(ids, at + TRACE_AT + 4 * w, u[ub + U_TRACE + w]);
      writeWord(ids, at + PARENT_AT, u[ub + U_PARENT]);
      writeWord(ids, at + PARENT_AT + 4, u[ub + U_PARENT + 1]);
    } else {
      nonZero(ids, at + TRACE_AT, 16);
      ids.fill(0, at + PARENT_AT, at + PARENT_AT + 8);
    }
    nonZero(ids, at + SPAN_AT, 8);
  }
  return new TakenRange(records, n, ids, ctx, unpriced);
}

// A drained range of the ring, as the worker holds it: a private copy of its records plus the
// span ids made for them. Worker thread only.
//
// takeRange() copies the range's bytes out of the shared ring (one or two memcpys) so the
// worker can release the slots at once; everything after reads the copy. The OTLP encoder reads
// the copied records directly, with no object per span; SpanData (for SpanExporters and the
// main thread's customExporter) is made from the copy only when some destination asks for it.
//
// Ids are made once, as bytes (ID_BYTES per span: trace id, span id, parent span id or zeros).
// Prices are not looked at while the range's slots are held: the first price a worker needs
// loads genai-prices (tens of milliseconds), which must not keep the writer from those slots.
// The unpriced counts are made after the copy (unpricedIds), at the latest on release().
// The content blobs of the range's records are copied out of the content arena in the same
// stretch as the records (shared/arena.ts: they are free once their records are), and built into
// attributes only for the spans that are exported, once each (content()).

import { randomFillSync } from 'node:crypto';
import type { BufferPool } from './buffers.js';
import type { ArenaViews } from '../shared/arena.js';
import { decodeRecord, emptyFields, encodeRecord, priceModelWord } from '../shared/codec.js';
import {
  EXT_BYTES, EXT_FLAGS_MASK, EXT_U32, FLAG_CONTENT, FLAG_PARENT, FLAG_SIGNALS, FLAG_WIRE, HEADER_BYTES, RECORD_BYTES, RECORD_U32, SIGNALS_BYTES, SIGNALS_U32, U_FLAGS, U_PARENT, U_PROVIDER,
  U_TRACE, X_CONTENT_AT, X_CONTENT_LEN,
} from '../shared/layout.js';
import { applyWire, type WireContent } from './wire-records.js';
import { ringViews, type RingViews } from '../shared/ring.js';
import { priceOfCall, toSpanRecord, type RecordContext, type SpanContent } from '../spans/record.js';
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

export class TakenRange {
  /** Number of spans (fewer after retain()). */
  length: number;
  /** The copied records, indexed 0..length-1, readable with decodeRecord(). */
  readonly records: RingViews;
  readonly ids: Uint8Array;
  readonly ctx: RecordContext;
  /** Spans whose content could not be built (the scrub module failed): exported without it. */
  contentFailures = 0;
  /** Why the last of them failed. */
  contentFailure = '';
  #unpriced: Map<number, number> | undefined;
  #data: SpanData[] | undefined;
  /** The content blobs, copied out of the arena; the rows' X_CONTENT_AT point into it. */
  readonly #blobs: Uint8Array | undefined;
  /** Built content by span, once asked for (undefined: not yet). */
  #contents: (SpanContent | null | undefined)[] | undefined;
  /** By span: the content its wire exchange carried (resolveWire()), built like a blob's on first use. */
  #wire: (WireContent | undefined)[] | undefined;

  /** Where the copy's and the ids' buffers go back to (release()), if they came from a pool. */
  readonly #pool: BufferPool | undefined;
  readonly #buffers: Uint8Array[];

  constructor(records: RingViews, length: number, ids: Uint8Array, ctx: RecordContext, pool?: BufferPool, buffers: Uint8Array[] = [], blobs?: Uint8Array) {
    this.#pool = pool;
    this.#buffers = buffers;
    this.records = records;
    this.#blobs = blobs;
    this.length = length;
    this.ids = ids;
    this.ctx = ctx;
  }

  /**
   * Turns the range's wire records (FLAG_WIRE: instrumentFetch's exchanges) into the records of
   * their calls, parsing their bytes (wire-records.ts). After the copy, so that the ring's slots
   * are not held while bytes are parsed; before anything reads the records.
   */
  resolveWire(): void {
    const w = this.ctx.wire;
    const u = this.records.u32;
    const x = this.records.ext;
    let r;
    for (let i = 0; i < this.length; i++) {
      const ub = i * RECORD_U32;
      if ((u[ub + U_FLAGS] & FLAG_WIRE) === 0 || w === undefined) continue;
      r ??= emptyFields();
      decodeRecord(this.records, i, r);
      const content = applyWire(r, x, ub, this.#blobs, w);
      encodeRecord(this.records, i, r);
      if (content !== undefined) (this.#wire ??= new Array(this.length))[i] = content;
    }
  }

  /** Calls whose model has no price, by model string id; counted on first use (or release()). */
  get unpricedIds(): Map<number, number> {
    this.#unpriced ??= this.#countUnpriced();
    return this.#unpriced;
  }

  #countUnpriced(): Map<number, number> {
    const u = this.records.u32;
    const ctx = this.ctx;
    const unpriced = new Map<number, number>();
    // Whether each model id is unpriced with the provider it came with last, looked up once per
    // model and batch while a model comes from one provider.
    const isUnpriced: (boolean | undefined)[] = [];
    const unpricedFor: number[] = [];
    for (let i = 0; i < this.length; i++) {
      const ub = i * RECORD_U32;
      const modelId = priceModelWord(u, this.records.ext, ub);
      const providerId = u[ub + U_PROVIDER];
      let noPrice = isUnpriced[modelId];
      if (noPrice === undefined || unpricedFor[modelId] !== providerId) {
        noPrice = priceOfCall(ctx, providerId, modelId).source === 'unpriced';
        isUnpriced[modelId] = noPrice;
        unpricedFor[modelId] = providerId;
      }
      if (noPrice) unpriced.set(modelId, (unpriced.get(modelId) ?? 0) + 1);
    }
    return unpriced;
  }

  /**
   * Gives the copy's and the ids' buffers back to their pool. Only once nothing reads `records`,
   * `ids` or makes `data` any more: every destination has built its form of the batch.
   */
  release(): void {
    this.#unpriced ??= this.#countUnpriced();
    for (const b of this.#buffers.splice(0)) this.#pool?.give(b);
  }

  /**
   * Keeps the spans whose `keep` byte is 1, in order, moving their records and ids to the front
   * of the copy (tail sampling). Before any destination reads the range.
   */
  retain(keep: Uint8Array): void {
    // Unpriced calls count every call, sampled out or not: counted before the spans go.
    void this.unpricedIds;
    const u = this.records.u32;
    const x = this.records.ext;
    const ids = this.ids;
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (keep[i] !== 1) continue;
      if (kept !== i) {
        u.copyWithin(kept * RECORD_U32, i * RECORD_U32, (i + 1) * RECORD_U32);
        if (x.length > 0) x.copyWithin(kept * EXT_U32, i * EXT_U32, (i + 1) * EXT_U32);
        const sig = this.records.sig;
        if (sig.length > 0) sig.copyWithin(kept * SIGNALS_U32, i * SIGNALS_U32, (i + 1) * SIGNALS_U32);
        ids.copyWithin(kept * ID_BYTES, i * ID_BYTES, (i + 1) * ID_BYTES);
        if (this.#wire !== undefined) this.#wire[kept] = this.#wire[i];
      }
      kept++;
    }
    this.length = kept;
    this.#contents = undefined;
  }

  /**
   * The content attributes of span `i`: built on first use (after sampling, so only for spans
   * that are exported) and kept for every destination; null when it has none or they failed.
   */
  content(i: number): SpanContent | null {
    const u = this.records.u32;
    const ub = i * RECORD_U32;
    if ((u[ub + U_FLAGS] & FLAG_CONTENT) === 0 || this.#blobs === undefined || this.ctx.content === undefined) return null;
    this.#contents ??= new Array(this.length);
    const known = this.#contents[i];
    if (known !== undefined) return known;
    const x = this.records.ext;
    const wire = this.#wire?.[i];
    const built = wire !== undefined
      ? (this.ctx.content.buildShapes?.(wire) ?? { ok: false as const, reason: 'no content builder for wire content' })
      : this.ctx.content.build(this.#blobs, x[ub + X_CONTENT_AT], x[ub + X_CONTENT_LEN]);
    const c = built.ok ? built.content : null;
    if (!built.ok) {
      this.contentFailures++;
      this.contentFailure = built.reason;
    }
    this.#contents[i] = c;
    return c;
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
      const record = toSpanRecord(r, this.ctx, this.content(i));
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

/** Copies records [start, end) out of the shared ring (and their content out of `arena`) and makes their ids. */
export function takeRange(ring: RingViews, start: number, end: number, ctx: RecordContext, pool?: BufferPool, arena?: ArenaViews): TakenRange {
  const n = end - start;
  let capacity = 1;
  while (capacity < n) capacity *= 2;
  const first = start & ring.mask;
  const untilWrap = Math.min(n, ring.capacity - first);
  // The extension rows are copied only when some record of the range has one written.
  const ext = hasFlags(ring.u32, first, n, ring.mask, EXT_FLAGS_MASK);
  // So are the signals rows (issue 32), only when some record has one.
  const sig = hasFlags(ring.u32, first, n, ring.mask, FLAG_SIGNALS);
  const size = HEADER_BYTES + n * RECORD_BYTES + (ext ? n * EXT_BYTES : 0) + (sig ? n * SIGNALS_BYTES : 0);
  // Room for n records only (indices stay below n, so `capacity` serves just as the mask), and not
  // zero-filled: every record byte is copied in below (a zeroed 256 KiB buffer costs ~30 ns a span).
  const copy = pool?.take(size) ?? Buffer.allocUnsafeSlow(size);
  const buffer = copy.buffer;
  new Uint8Array(buffer, 0, HEADER_BYTES).fill(0);
  const records = ringViews(buffer, capacity, n, ext, sig);
  copyRows(new Uint8Array(buffer, HEADER_BYTES, n * RECORD_BYTES), new Uint8Array(ring.u32.buffer, ring.u32.byteOffset, ring.u32.byteLength), RECORD_BYTES, first, untilWrap, n);
  if (ext) copyRows(records.extBytes, ring.extBytes, EXT_BYTES, first, untilWrap, n);
  if (sig) copyRows(bytesOf(records.sig), bytesOf(ring.sig), SIGNALS_BYTES, first, untilWrap, n);

  // Random bytes for every id slot in one call (~10 ns a span); a captured parent's trace id
  // overwrites its own. Worked on as 32-bit words: ids are 4-byte aligned (ID_BYTES, *_AT).
  const idBuffer = pool?.take(n * ID_BYTES) ?? Buffer.allocUnsafeSlow(n * ID_BYTES);
  const ids = randomFillSync(idBuffer.subarray(0, n * ID_BYTES));
  const words = new Int32Array(ids.buffer, ids.byteOffset, n * (ID_BYTES / 4));
  const bigEndian = new DataView(ids.buffer, ids.byteOffset, ids.byteLength);
  const u = records.u32;
  for (let i = 0; i < n; i++) {
    const ub = i * RECORD_U32;
    const at = i * ID_BYTES;
    const w = at >>> 2;
    if ((u[ub + U_FLAGS] & FLAG_PARENT) !== 0) {
      // The record holds the ids as big-endian 32-bit chunks.
      bigEndian.setUint32(at + TRACE_AT, u[ub + U_TRACE]);
      bigEndian.setUint32(at + TRACE_AT + 4, u[ub + U_TRACE + 1]);
      bigEndian.setUint32(at + TRACE_AT + 8, u[ub + U_TRACE + 2]);
      bigEndian.setUint32(at + TRACE_AT + 12, u[ub + U_TRACE + 3]);
      bigEndian.setUint32(at + PARENT_AT, u[ub + U_PARENT]);
      bigEndian.setUint32(at + PARENT_AT + 4, u[ub + U_PARENT + 1]);
    } else {
      // An all-zero id is invalid in OTel; the chance is 2^-128 (2^-64 below), the fix is cheap.
      const t = w + TRACE_AT / 4;
      if ((words[t] | words[t + 1] | words[t + 2] | words[t + 3]) === 0) ids[at + TRACE_AT + 15] = 1;
      words[w + PARENT_AT / 4] = 0;
      words[w + PARENT_AT / 4 + 1] = 0;
    }
    if ((words[w + SPAN_AT / 4] | words[w + SPAN_AT / 4 + 1]) === 0) ids[at + SPAN_AT + 7] = 1;
  }
  const buffers: Uint8Array[] = [copy, idBuffer];
  const blobs = arena === undefined || !ext ? undefined : copyBlobs(records.u32, records.ext, n, arena, pool);
  if (blobs !== undefined) buffers.push(blobs);
  return new TakenRange(records, n, ids, ctx, pool, buffers, blobs);
}

/** Whether any of the n records from slot `first` (wrapping at `mask`) has one of `flags`. */
function hasFlags(u: Uint32Array, first: number, n: number, mask: number, flags: number): boolean {
  for (let i = 0; i < n; i++) if ((u[((first + i) & mask) * RECORD_U32 + U_FLAGS] & flags) !== 0) return true;
  return false;
}

function bytesOf(a: Uint32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Copies n rows of `rowBytes` from slot `first` of `from` (wrapping after `untilWrap`) to `to`. */
function copyRows(to: Uint8Array, from: Uint8Array, rowBytes: number, first: number, untilWrap: number, n: number): void {
  to.set(from.subarray(first * rowBytes, (first + untilWrap) * rowBytes), 0);
  if (untilWrap < n) to.set(from.subarray(0, (n - untilWrap) * rowBytes), untilWrap * rowBytes);
}

/**
 * Copies the content blobs of the n copied records out of the arena into one buffer, and points
 * each row's X_CONTENT_AT at its blob there; undefined when none has content.
 */
function copyBlobs(u: Uint32Array, x: Uint32Array, n: number, arena: ArenaViews, pool: BufferPool | undefined): Uint8Array | undefined {
  let total = 0;
  // A wire record's blob (FLAG_WIRE) sits in the arena like a content blob.
  for (let i = 0; i < n; i++) if ((u[i * RECORD_U32 + U_FLAGS] & (FLAG_CONTENT | FLAG_WIRE)) !== 0) total += x[i * RECORD_U32 + X_CONTENT_LEN];
  if (total === 0) return undefined;
  const blobs = pool?.take(total) ?? Buffer.allocUnsafeSlow(total);
  const data = arena.data;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const ub = i * RECORD_U32;
    if ((u[ub + U_FLAGS] & (FLAG_CONTENT | FLAG_WIRE)) === 0) continue;
    const from = x[ub + X_CONTENT_AT];
    const len = x[ub + X_CONTENT_LEN];
    blobs.set(data.subarray(from, from + len), at);
    x[ub + X_CONTENT_AT] = at;
    at += len;
  }
  return blobs;
}

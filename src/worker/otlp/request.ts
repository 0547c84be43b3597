// OTLP protobuf encoding of a batch of spans: the bytes of one ExportTraceServiceRequest
// (opentelemetry/proto/collector/trace/v1), written straight from drained records. Worker only.
//
// Why not @opentelemetry/otlp-transformer: it builds an intermediate object tree per span and
// then serialises it (~3.3 us a span on these machines), which caps one worker near 130k spans/s.
// Our spans have one resource, one scope and a small set of scalar attributes, so this encoder
// writes the wire format in one pass, straight from the copied records (build.ts), with no
// object per span: most of a span is copied from a template (span.ts) and its ids, times
// and numbers written over it. bench/worker-stages.mjs measures it.
// The same bytes serve OTLP/HTTP (application/x-protobuf) and OTLP/gRPC. The tests decode them
// with protobufjs from a .proto written from the specification, never with this code.
//
// Wire notes: fields are written in field-number order; 64-bit times as fixed64 split into two
// exact 32-bit halves (no BigInt); a number attribute is int_value when it is an integer and
// double_value otherwise, as the OTel SDK's transformer does; span kind CLIENT is 3 on the wire.
// Each span's length is a 2-byte varint (non-minimal below 128, which decoders accept), written
// before the span is and patched after; 4 bytes for a span with content, which may be large.

import type { BufferPool } from '../buffers.js';
import type { Attributes } from '@opentelemetry/api';
import {
  F_CACHED_INPUT, F_CACHE_WRITE, F_END, F_INPUT, F_LATENCY, F_OUTPUT, F_REASONING, F_TTFT, FLAG_CONTENT,
  FLAG_ERROR, FLAG_PARENT, FLAG_USAGE, OP_MASK, RECORD_F64, RECORD_U32, U_ERROR, U_FLAGS, U_MODEL, U_PROVIDER, U_TOOLS, U_TRACE_FLAGS,
} from '../../shared/layout.js';
import { priceModelWord } from '../../shared/codec.js';
import { hasExtras } from './extras.js';
import { INSTRUMENTATION_SCOPE, SAMPLED } from '../../spans/readable-span.js';
import type { RecordContext } from '../../spans/record.js';
import { ID_BYTES, PARENT_AT, SPAN_AT, TRACE_AT, type TakenRange } from '../build.js';
import {
  MAX_SPAN_BYTES, M_CACHED, M_CACHE_WRITE, M_COST, M_END, M_GEN_INPUT, M_GEN_OUTPUT, M_INPUT,
  M_LATENCY, M_OUTPUT, M_REASONING, M_START, M_TOOLS, M_TTFT, OK_TAIL_BYTES, OP_CACHE_MASK, Shape, SpanCache, SpanValues, round2,
} from './span.js';
import { NanoClock } from './nanos.js';
import { DOUBLE, ProtoWriter, WIRE_LEN, lenField, numberKind, putVarint, tag, utf8Bytes, varintSize, writeKeyValue } from './proto-writer.js';

/** A number attribute's value over its template's: same kind, so the same size. */
function putNumber(b: Uint8Array, view: DataView, at: number, v: number): void {
  if (v >= 0 && Number.isInteger(v)) putVarint(b, at, v);
  else view.setFloat64(at, v, true);
}

/** Encodes TakenRanges. Holds what is constant for a worker: the Resource and scope, and a SpanCache per RecordContext. */
export class OtlpProtoEncoder {
  /** ResourceSpans.resource and ScopeSpans.scope, complete fields. */
  readonly #resourceField: Uint8Array;
  readonly #scopeField: Uint8Array;
  /** Room left before the spans for the message heads, whose lengths are known only after. */
  readonly #headRoom: number;
  readonly #out: ProtoWriter;
  readonly #v = new SpanValues();
  readonly #clock = new NanoClock();
  readonly #caches = new WeakMap<RecordContext, SpanCache>();
  #last: SpanCache | undefined;
  /** Bytes to allocate per span, from the last batch. */
  #perSpan = 640;

  /** `pool`: where each request's buffer comes from; the caller gives it back once sent. */
  constructor(resourceAttributes: Attributes, pool?: BufferPool) {
    this.#out = new ProtoWriter(256, pool);
    const r = new ProtoWriter();
    for (const key in resourceAttributes) {
      const value = resourceAttributes[key];
      if (value !== undefined) writeKeyValue(r, 1, key, value);
    }
    this.#resourceField = lenField(1, r.copy());
    const s = new ProtoWriter();
    s.lenField(1, utf8Bytes(INSTRUMENTATION_SCOPE.name));
    if (INSTRUMENTATION_SCOPE.version !== undefined) s.lenField(2, utf8Bytes(INSTRUMENTATION_SCOPE.version));
    this.#scopeField = lenField(1, s.copy());
    // Two tags and two lengths of at most 5 bytes around the two fields.
    this.#headRoom = 12 + this.#resourceField.length + this.#scopeField.length;
  }

  #cacheFor(ctx: RecordContext): SpanCache {
    if (this.#last?.ctx === ctx) return this.#last;
    let c = this.#caches.get(ctx);
    if (c === undefined) {
      c = new SpanCache(ctx);
      this.#caches.set(ctx, c);
    }
    this.#last = c;
    return c;
  }

  /**
   * The ExportTraceServiceRequest carrying `range`, in a buffer of its own that the encoder never
   * touches again (the transport may hold it for retries while later batches are encoded). With a
   * pool, the caller gives it back (BufferPool.give) once every send of it has ended.
   */
  encode(range: TakenRange): Uint8Array {
    const n = range.length;
    const cache = this.#cacheFor(range.ctx);
    const out = this.#out;
    const headRoom = this.#headRoom;
    out.renew(headRoom + n * this.#perSpan + MAX_SPAN_BYTES);
    out.pos = headRoom;
    const ids = range.ids;
    const idView = new DataView(ids.buffer, ids.byteOffset, ids.byteLength);
    const u = range.records.u32;
    if (n > 0) this.#clock.rebase(range.ctx.timeOrigin + range.records.f64[F_END]);
    for (let i = 0; i < n; i++) {
      out.ensure(MAX_SPAN_BYTES);
      const ub = i * RECORD_U32;
      const flags = u[ub + U_FLAGS];
      const shape = cache.shape(u[ub + U_PROVIDER], u[ub + U_MODEL], priceModelWord(u, range.records.ext, ub), flags & OP_CACHE_MASK);
      const traceFlags = (flags & FLAG_PARENT) !== 0 ? u[ub + U_TRACE_FLAGS] : SAMPLED;
      // ScopeSpans.spans (2): the tag, room for the length, then the ids.
      const lenAt = out.pos + 1;
      const lenBytes = (flags & FLAG_CONTENT) !== 0 ? 4 : 2;
      out.buf[out.pos] = tag(2, WIRE_LEN);
      out.pos += 1 + lenBytes;
      writeIds(out, idView, i * ID_BYTES, (flags & FLAG_PARENT) !== 0);
      if ((flags & FLAG_ERROR) !== 0 || u[ub + U_ERROR] !== 0 || !this.#fromTemplate(out, cache, shape, range, i, traceFlags)) {
        // Errors, and shapes past their template limit: field by field.
        const v = this.#v;
        readValues(v, range, i, shape);
        cache.writeBody(out, v, shape);
        if (hasExtras(range.records, i, flags)) cache.extras.write(out, u, ub, flags, range, i);
        cache.writeStatus(out, v, traceFlags);
      }
      const len = out.pos - lenAt - lenBytes;
      if (lenBytes === 4) {
        // Non-minimal, as the 2-byte form below: decoders read any varint of up to 10 bytes.
        out.buf[lenAt] = (len & 0x7f) | 0x80;
        out.buf[lenAt + 1] = ((len >>> 7) & 0x7f) | 0x80;
        out.buf[lenAt + 2] = ((len >>> 14) & 0x7f) | 0x80;
        out.buf[lenAt + 3] = len >>> 21;
      } else if (len < 0x4000) {
        out.buf[lenAt] = (len & 0x7f) | 0x80;
        out.buf[lenAt + 1] = len >>> 7;
      } else {
        // A rare span of 16 KiB or more: its length needs a third byte.
        const body = new Uint8Array(out.buf.subarray(lenAt + 2, out.pos));
        out.pos = lenAt;
        out.ensure(body.length + 8);
        out.varint(len);
        out.bytes(body);
      }
    }
    const spansLen = out.pos - headRoom;
    if (n > 0) this.#perSpan = Math.max(256, Math.ceil((spansLen / n) * 1.25));

    // The heads, right-aligned before the spans.
    const scopeSpansLen = this.#scopeField.length + spansLen; // ScopeSpans { scope = 1; spans = 2 }
    const resourceSpansLen = this.#resourceField.length + 1 + varintSize(scopeSpansLen) + scopeSpansLen; // ResourceSpans { resource = 1; scope_spans = 2 }
    const headLen = 1 + varintSize(resourceSpansLen) + resourceSpansLen - spansLen;
    const end = out.pos;
    const start = headRoom - headLen;
    out.pos = start;
    out.byte(tag(1, WIRE_LEN)); // ExportTraceServiceRequest.resource_spans
    out.varint(resourceSpansLen);
    out.bytes(this.#resourceField);
    out.byte(tag(2, WIRE_LEN));
    out.varint(scopeSpansLen);
    out.bytes(this.#scopeField);
    return out.buf.subarray(start, end);
  }

  /**
   * Span `i` (without error) from its name on, as its template with the values written over it;
   * false, writing nothing, when its Shape has no room for another template. The values are the
   * ones readValues() makes, read into locals: a span's own object would cost more than the copy.
   */
  #fromTemplate(out: ProtoWriter, cache: SpanCache, shape: Shape, range: TakenRange, i: number, traceFlags: number): boolean {
    const f = range.records.f64;
    const u = range.records.u32;
    const fb = i * RECORD_F64;
    const ub = i * RECORD_U32;
    const flags = u[ub + U_FLAGS];
    const latency = round2(f[fb + F_LATENCY]);
    const input = f[fb + F_INPUT];
    const output = f[fb + F_OUTPUT];
    const tools = u[ub + U_TOOLS];
    let cached = 0;
    let cacheWrite = 0;
    let reasoning = 0;
    let usage = 0;
    if ((flags & FLAG_USAGE) !== 0) {
      cached = f[fb + F_CACHED_INPUT];
      cacheWrite = f[fb + F_CACHE_WRITE];
      reasoning = f[fb + F_REASONING];
      const ttft = f[fb + F_TTFT];
      usage = (cached > 0 ? numberKind(cached) : 0) | (cacheWrite > 0 ? numberKind(cacheWrite) << 4 : 0) |
        (reasoning > 0 ? numberKind(reasoning) << 8 : 0) | (ttft >= 0 ? numberKind(ttft / 1000) << 12 : 0);
    }
    const endMs = range.ctx.timeOrigin + f[fb + F_END];
    const cost = shape.cost(input, output, cached, cacheWrite, reasoning, endMs);
    const kLatency = numberKind(latency);
    const kInput = numberKind(input);
    const kOutput = numberKind(output);
    const kCost = numberKind(cost);
    const key = (kLatency | (kInput << 4) | (kOutput << 8) | (kCost << 12) | (numberKind(tools) << 16)) + usage * 0x100000;
    let t = shape.lastKey === key ? shape.last : undefined;
    if (t === undefined) {
      readValues(this.#v, range, i, shape);
      t = cache.template(shape, key, this.#v);
      if (t === undefined) return false;
    }

    const b = out.buf;
    const view = out.view;
    const p = out.pos;
    b.set(t.bytes, p);
    const m = t.marks;
    this.#clock.put(view, p + m[M_START], endMs - f[fb + F_LATENCY]);
    this.#clock.put(view, p + m[M_END], endMs);
    if (kLatency === DOUBLE) view.setFloat64(p + m[M_LATENCY], latency, true);
    else putVarint(b, p + m[M_LATENCY], latency);
    if (kInput === DOUBLE) {
      view.setFloat64(p + m[M_INPUT], input, true);
      view.setFloat64(p + m[M_GEN_INPUT], input, true);
    } else {
      putVarint(b, p + m[M_INPUT], input);
      putVarint(b, p + m[M_GEN_INPUT], input);
    }
    if (kOutput === DOUBLE) view.setFloat64(p + m[M_OUTPUT], output, true);
    else putVarint(b, p + m[M_OUTPUT], output);
    if (m[M_GEN_OUTPUT] >= 0) putNumber(b, view, p + m[M_GEN_OUTPUT], output);
    if (kCost === DOUBLE) view.setFloat64(p + m[M_COST], cost, true);
    else putVarint(b, p + m[M_COST], cost);
    putVarint(b, p + m[M_TOOLS], tools); // a uint32 word
    if (usage !== 0) {
      if (m[M_CACHED] >= 0) putNumber(b, view, p + m[M_CACHED], cached);
      if (m[M_CACHE_WRITE] >= 0) putNumber(b, view, p + m[M_CACHE_WRITE], cacheWrite);
      if (m[M_REASONING] >= 0) putNumber(b, view, p + m[M_REASONING], f[fb + F_REASONING]);
      if (m[M_TTFT] >= 0) putNumber(b, view, p + m[M_TTFT], f[fb + F_TTFT] / 1000);
    }
    const end = p + t.bytes.length;
    if (!hasExtras(range.records, i, flags)) {
      b[end - 4] = traceFlags & 0xff; // the low byte of the flags
      out.pos = end;
    } else {
      // The call's attributes, response fields and content go between the numbers and the
      // status: the template's status and flags are written again after them.
      out.pos = end - OK_TAIL_BYTES;
      cache.extras.write(out, u, ub, flags, range, i);
      out.ensure(OK_TAIL_BYTES);
      // extras may have grown the buffer: out.buf, not b.
      const tail = t.bytes.length - OK_TAIL_BYTES;
      for (let k = 0; k < OK_TAIL_BYTES; k++) out.buf[out.pos + k] = t.bytes[tail + k];
      out.pos += OK_TAIL_BYTES;
      out.buf[out.pos - 4] = traceFlags & 0xff;
    }
    return true;
  }
}

/** trace_id (1), span_id (2) and parent_span_id (4) of the span whose ids start at `at`. */
function writeIds(out: ProtoWriter, ids: DataView, at: number, parent: boolean): void {
  // 4-byte words through DataViews, little-endian on both sides, so the bytes keep their order.
  const b = out.buf;
  const view = out.view;
  const p = out.pos;
  b[p] = tag(1, WIRE_LEN);
  b[p + 1] = 16;
  view.setUint32(p + 2, ids.getUint32(at + TRACE_AT, true), true);
  view.setUint32(p + 6, ids.getUint32(at + TRACE_AT + 4, true), true);
  view.setUint32(p + 10, ids.getUint32(at + TRACE_AT + 8, true), true);
  view.setUint32(p + 14, ids.getUint32(at + TRACE_AT + 12, true), true);
  b[p + 18] = tag(2, WIRE_LEN);
  b[p + 19] = 8;
  view.setUint32(p + 20, ids.getUint32(at + SPAN_AT, true), true);
  view.setUint32(p + 24, ids.getUint32(at + SPAN_AT + 4, true), true);
  out.pos = p + 28;
  if (parent) {
    b[p + 28] = tag(4, WIRE_LEN);
    b[p + 29] = 8;
    view.setUint32(p + 30, ids.getUint32(at + PARENT_AT, true), true);
    view.setUint32(p + 34, ids.getUint32(at + PARENT_AT + 4, true), true);
    out.pos = p + 38;
  }
}

/** The values of span `i` as written (record words, times made epoch, latency and cost rounded). */
function readValues(v: SpanValues, range: TakenRange, i: number, shape: Shape): void {
  const f = range.records.f64;
  const u = range.records.u32;
  const fb = i * RECORD_F64;
  const ub = i * RECORD_U32;
  const flags = u[ub + U_FLAGS];
  v.flags = flags;
  v.op = flags & OP_MASK;
  v.errorId = u[ub + U_ERROR];
  const latencyMs = f[fb + F_LATENCY];
  const endMs = range.ctx.timeOrigin + f[fb + F_END];
  v.endMs = endMs;
  v.startMs = endMs - latencyMs;
  v.latency = round2(latencyMs);
  v.input = f[fb + F_INPUT];
  v.output = f[fb + F_OUTPUT];
  v.tools = u[ub + U_TOOLS];
  // The usage words are stale unless FLAG_USAGE says they were written.
  const usage = (flags & FLAG_USAGE) !== 0;
  v.cached = usage ? f[fb + F_CACHED_INPUT] : 0;
  v.cacheWrite = usage ? f[fb + F_CACHE_WRITE] : 0;
  v.reasoning = usage ? f[fb + F_REASONING] : 0;
  v.ttft = usage ? f[fb + F_TTFT] : -1;
  v.cost = shape.cost(v.input, v.output, v.cached, v.cacheWrite, v.reasoning, endMs);
}

// OTLP protobuf encoding of a batch of spans: the bytes of one ExportTraceServiceRequest
// (opentelemetry/proto/collector/trace/v1), written straight from SpanData. Worker only.
//
// Why not @opentelemetry/otlp-transformer: it builds an intermediate object tree per span and
// then serialises it (~3.3 us a span on these machines), which caps one worker near 130k spans/s.
// Our spans have one resource, one scope and a small set of scalar attributes, so this encoder
// writes the wire format in one pass with cached key and value bytes (well under 1 us a span).
// The same bytes serve OTLP/HTTP (application/x-protobuf) and OTLP/gRPC. The tests decode them
// with protobufjs from a .proto written from the specification, never with this code.
//
// Wire notes: fields are written in field-number order; 64-bit times as fixed64 split into two
// exact 32-bit halves (no BigInt); a number attribute is int_value when it is an integer and
// double_value otherwise, as the OTel SDK's transformer does; span kind CLIENT is 3 on the wire.

import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE, type SpanData } from '../spans/readable-span.js';
import { spanAttributes } from '../spans/readable-span.js';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;
const tag = (field: number, wire: number): number => (field << 3) | wire;

const SPAN_KIND_CLIENT = 3;
const STATUS_CODE_ERROR = 2;
/** Span.flags: the W3C trace flags, plus "the parent's is_remote is known" (bit 8). */
const SPAN_FLAGS_HAS_IS_REMOTE = 0x100;
const TWO_32 = 4_294_967_296;

const utf8 = new TextEncoder();

/** A growable byte buffer with the protobuf primitives this encoder needs. */
class ProtoWriter {
  buf = new Uint8Array(64 * 1024);
  pos = 0;
  #view = new DataView(this.buf.buffer);

  reset(): void {
    this.pos = 0;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** Unsigned varint of an integer in [0, 2^53). */
  varint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    while (v >= 0x80) {
      b[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[this.pos++] = v;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** A length-delimited field whose body is `src`. */
  lenField(field: number, src: Uint8Array): void {
    this.varint(tag(field, WIRE_LEN));
    this.varint(src.length);
    this.bytes(src);
  }

  double(v: number): void {
    this.ensure(8);
    this.#view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  fixed32(v: number): void {
    this.ensure(4);
    this.#view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  /** Epoch milliseconds (fractional) as fixed64 nanoseconds, exact to the nanosecond. */
  fixed64Nanos(ms: number): void {
    let seconds = Math.floor(ms / 1000);
    let nanos = Math.round((ms - seconds * 1000) * 1e6);
    if (nanos >= 1e9) {
      seconds += 1;
      nanos -= 1e9;
    }
    // seconds * 1e9 + nanos, with seconds split in 16-bit halves so every product stays exact.
    const x = Math.floor(seconds / 65536) * 1e9; // < 2^46
    const y = (seconds % 65536) * 1e9 + nanos; // < 2^47
    let lo = (x % 65536) * 65536 + (y % TWO_32);
    let hi = Math.floor(x / 65536) + Math.floor(y / TWO_32);
    if (lo >= TWO_32) {
      lo -= TWO_32;
      hi += 1;
    }
    this.ensure(8);
    this.#view.setUint32(this.pos, lo, true);
    this.#view.setUint32(this.pos + 4, hi, true);
    this.pos += 8;
  }

  /** Hex id (32 or 16 characters) as raw bytes. */
  hexBytes(hex: string): void {
    const n = hex.length >>> 1;
    this.ensure(n);
    const b = this.buf;
    for (let i = 0; i < n; i++) b[this.pos++] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
  }

  /** Copies out the bytes written since `from`. */
  slice(from = 0): Uint8Array {
    return this.buf.slice(from, this.pos);
  }
}

function nibble(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

// Cached encodings. Keys come from a fixed set; string values come from the bounded string
// table (providers, models, error types) or fixed sets (operation, cache hit), so the caches are
// bounded too. MAX_CACHED guards against a future attribute with unbounded values.
const MAX_CACHED = 65_536;
const keyPrefix = new Map<string, Uint8Array>();
const stringValue = new Map<string, Uint8Array>();

/** KeyValue.key field (tag, length, bytes). */
function keyBytes(key: string): Uint8Array {
  let b = keyPrefix.get(key);
  if (b === undefined) {
    const w = new ProtoWriter();
    w.lenField(1, utf8.encode(key));
    b = w.slice();
    if (keyPrefix.size < MAX_CACHED) keyPrefix.set(key, b);
  }
  return b;
}

/** AnyValue{string_value} as a complete KeyValue.value field. */
function stringValueBytes(v: string): Uint8Array {
  let b = stringValue.get(v);
  if (b === undefined) {
    const inner = new ProtoWriter();
    inner.lenField(1, utf8.encode(v));
    const w = new ProtoWriter();
    w.lenField(2, inner.slice());
    b = w.slice();
    if (stringValue.size < MAX_CACHED) stringValue.set(v, b);
  }
  return b;
}

const scratch = new ProtoWriter();

/** One KeyValue, appended to `w` as field `field` of the enclosing message. */
function writeKeyValue(w: ProtoWriter, field: number, key: string, value: AttributeValue): void {
  const k = keyBytes(key);
  if (typeof value === 'string') {
    const v = stringValueBytes(value);
    w.varint(tag(field, WIRE_LEN));
    w.varint(k.length + v.length);
    w.bytes(k);
    w.bytes(v);
    return;
  }
  // AnyValue body: int_value (3, varint), double_value (4, fixed64) or bool_value (2, varint).
  let anyLen: number;
  if (typeof value === 'number') {
    anyLen = Number.isInteger(value) && value >= 0 ? 1 + varintSize(value) : 9;
  } else if (typeof value === 'boolean') {
    anyLen = 2;
  } else {
    // Arrays and negative integers do not occur in our spans; encode them as a string.
    writeKeyValue(w, field, key, JSON.stringify(value));
    return;
  }
  w.varint(tag(field, WIRE_LEN));
  w.varint(k.length + 2 + anyLen);
  w.bytes(k);
  w.varint(tag(2, WIRE_LEN));
  w.varint(anyLen);
  if (typeof value === 'boolean') {
    w.varint(tag(2, WIRE_VARINT));
    w.varint(value ? 1 : 0);
  } else if (anyLen === 9) {
    w.varint(tag(4, WIRE_FIXED64));
    w.double(value);
  } else {
    w.varint(tag(3, WIRE_VARINT));
    w.varint(value);
  }
}

function writeAttributes(w: ProtoWriter, field: number, attributes: Attributes): void {
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) writeKeyValue(w, field, key, value);
  }
}

/** Span message body (without its own tag and length). */
function writeSpan(w: ProtoWriter, d: SpanData): void {
  const r = d.record;
  w.varint(tag(1, WIRE_LEN));
  w.varint(16);
  w.hexBytes(d.traceId);
  w.varint(tag(2, WIRE_LEN));
  w.varint(8);
  w.hexBytes(d.spanId);
  if (d.parentSpanId !== undefined) {
    w.varint(tag(4, WIRE_LEN));
    w.varint(8);
    w.hexBytes(d.parentSpanId);
  }
  w.lenField(5, nameBytes(r.name));
  w.varint(tag(6, WIRE_VARINT));
  w.varint(SPAN_KIND_CLIENT);
  w.varint(tag(7, WIRE_FIXED64));
  w.fixed64Nanos(d.startMs);
  w.varint(tag(8, WIRE_FIXED64));
  w.fixed64Nanos(d.endMs);
  writeAttributes(w, 9, spanAttributes(r));
  if (r.status === 'error') {
    const message = utf8.encode(r.errorType ?? 'unknown');
    // Status { message = 2; code = 3 }
    w.varint(tag(15, WIRE_LEN));
    w.varint(1 + varintSize(message.length) + message.length + 2);
    w.lenField(2, message);
    w.varint(tag(3, WIRE_VARINT));
    w.varint(STATUS_CODE_ERROR);
  } else {
    // An empty Status: code UNSET.
    w.varint(tag(15, WIRE_LEN));
    w.varint(0);
  }
  w.varint(tag(16, WIRE_FIXED32));
  w.fixed32((d.traceFlags & 0xff) | SPAN_FLAGS_HAS_IS_REMOTE);
}

const names = new Map<string, Uint8Array>();
function nameBytes(name: string): Uint8Array {
  let b = names.get(name);
  if (b === undefined) {
    b = utf8.encode(name);
    if (names.size < MAX_CACHED) names.set(name, b);
  }
  return b;
}

/** The constant head of every request: Resource and InstrumentationScope, encoded once per worker. */
export class OtlpProtoEncoder {
  readonly #resource: Uint8Array;
  readonly #scope: Uint8Array;
  readonly #out = new ProtoWriter();

  constructor(resourceAttributes: Attributes) {
    const r = new ProtoWriter();
    writeAttributes(r, 1, resourceAttributes);
    this.#resource = r.slice();
    const s = new ProtoWriter();
    s.lenField(1, utf8.encode(INSTRUMENTATION_SCOPE.name));
    if (INSTRUMENTATION_SCOPE.version !== undefined) s.lenField(2, utf8.encode(INSTRUMENTATION_SCOPE.version));
    this.#scope = s.slice();
  }

  /** The ExportTraceServiceRequest carrying `spans`; a fresh buffer the caller may keep. */
  encode(spans: readonly SpanData[]): Uint8Array {
    // Spans first, into the shared buffer, each with its tag and length (ScopeSpans.spans = 2).
    const out = this.#out;
    out.reset();
    for (const d of spans) {
      scratch.reset();
      writeSpan(scratch, d);
      out.varint(tag(2, WIRE_LEN));
      out.varint(scratch.pos);
      out.bytes(scratch.buf.subarray(0, scratch.pos));
    }
    const spansLen = out.pos;
    // ScopeSpans { scope = 1; spans = 2 }
    const scopeSpansLen = 1 + varintSize(this.#scope.length) + this.#scope.length + spansLen;
    // ResourceSpans { resource = 1; scope_spans = 2 }
    const resourceSpansLen = 1 + varintSize(this.#resource.length) + this.#resource.length +
      1 + varintSize(scopeSpansLen) + scopeSpansLen;
    const head = new ProtoWriter();
    head.varint(tag(1, WIRE_LEN)); // ExportTraceServiceRequest.resource_spans
    head.varint(resourceSpansLen);
    head.lenField(1, this.#resource);
    head.varint(tag(2, WIRE_LEN));
    head.varint(scopeSpansLen);
    head.lenField(1, this.#scope);
    const result = new Uint8Array(head.pos + spansLen);
    result.set(head.buf.subarray(0, head.pos), 0);
    result.set(out.buf.subarray(0, spansLen), head.pos);
    return result;
  }
}

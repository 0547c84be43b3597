// OTLP protobuf encoding of a batch of spans: the bytes of one ExportTraceServiceRequest
// (opentelemetry/proto/collector/trace/v1), written straight from drained records. Worker only.
//
// Why not @opentelemetry/otlp-transformer: it builds an intermediate object tree per span and
// then serialises it (~3.3 us a span on these machines), which caps one worker near 130k spans/s.
// Our spans have one resource, one scope and a small set of scalar attributes, so this encoder
// writes the wire format in one pass, straight from the copied records (build.ts), with cached
// key and value bytes and no object per span.
// The same bytes serve OTLP/HTTP (application/x-protobuf) and OTLP/gRPC. The tests decode them
// with protobufjs from a .proto written from the specification, never with this code.
//
// Wire notes: fields are written in field-number order; 64-bit times as fixed64 split into two
// exact 32-bit halves (no BigInt); a number attribute is int_value when it is an integer and
// double_value otherwise, as the OTel SDK's transformer does; span kind CLIENT is 3 on the wire.

import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { costOf, type PriceSource } from '../pricing/cost.js';
import {
  CACHE_HITS,
  CACHE_MASK,
  CACHE_SHIFT,
  F_CACHED_INPUT,
  F_CACHE_WRITE,
  F_END,
  F_INPUT,
  F_LATENCY,
  F_OUTPUT,
  F_REASONING,
  F_TTFT,
  FLAG_ATTRS,
  FLAG_ERROR,
  FLAG_PARENT,
  FLAG_USAGE,
  OPERATIONS,
  OP_CHAT,
  OP_EMBED,
  OP_MASK,
  OP_STREAM,
  RECORD_F64,
  RECORD_U32,
  U_ATTRS,
  U_ERROR,
  U_FLAGS,
  U_MODEL,
  U_PROVIDER,
  U_TOOLS,
  U_TRACE_FLAGS,
} from '../shared/layout.js';
import { INSTRUMENTATION_SCOPE, SAMPLED } from '../spans/readable-span.js';
import { genAiOperation, genAiProvider, priceOfModel, round, spanName, type StringLookup } from '../spans/record.js';
import { ID_BYTES, PARENT_AT, SPAN_AT, TRACE_AT, type TakenRange } from './build.js';

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
  buf: Uint8Array;
  pos = 0;
  #view: DataView;

  constructor(size = 1024) {
    this.buf = new Uint8Array(size);
    this.#view = new DataView(this.buf.buffer);
  }

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

  // The primitives below do not grow the buffer: callers ensure() room first (a span reserves
  // MAX_SPAN_BYTES once, instead of a check per field).

  /** Unsigned varint of an integer in [0, 2^53). */
  varint(v: number): void {
    const b = this.buf;
    if (v < 0x80) {
      b[this.pos++] = v;
      return;
    }
    if (v < 0x4000) {
      b[this.pos++] = (v & 0x7f) | 0x80;
      b[this.pos++] = v >>> 7;
      return;
    }
    while (v >= 0x80) {
      b[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[this.pos++] = v;
  }

  bytes(src: Uint8Array, from = 0, to = src.length): void {
    const n = to - from;
    if (n > 64) {
      this.buf.set(src.subarray(from, to), this.pos);
      this.pos += n;
      return;
    }
    // TypedArray.set costs more than a loop for the short keys and ids that dominate here.
    const b = this.buf;
    let p = this.pos;
    for (let i = from; i < to; i++) b[p++] = src[i];
    this.pos = p;
  }

  /** A length-delimited field whose body is `src` (grows the buffer as needed). */
  lenField(field: number, src: Uint8Array): void {
    this.ensure(src.length + 12);
    this.varint(tag(field, WIRE_LEN));
    this.varint(src.length);
    this.bytes(src);
  }

  double(v: number): void {
    this.#view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  fixed32(v: number): void {
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
    this.#view.setUint32(this.pos, lo, true);
    this.#view.setUint32(this.pos + 4, hi, true);
    this.pos += 8;
  }

  /** Copies out the bytes written since `from`. */
  slice(from = 0): Uint8Array {
    return this.buf.slice(from, this.pos);
  }
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** A complete length-delimited string field: tag, length, UTF-8 bytes. */
function lenFieldBytes(field: number, value: string): Uint8Array {
  const w = new ProtoWriter(value.length * 3 + 16);
  w.lenField(field, utf8.encode(value));
  return w.slice();
}
const UNKNOWN_MESSAGE = lenFieldBytes(2, 'unknown');

/** KeyValue.key field (tag, length, bytes). */
function keyBytes(key: string): Uint8Array {
  const w = new ProtoWriter();
  w.lenField(1, utf8.encode(key));
  return w.slice();
}

/** AnyValue{string_value} as a complete KeyValue.value field. */
function stringValueBytes(v: string): Uint8Array {
  const inner = new ProtoWriter();
  inner.lenField(1, utf8.encode(v));
  const w = new ProtoWriter();
  w.lenField(2, inner.slice());
  return w.slice();
}

/** One KeyValue, appended to `w` as field `field` of the enclosing message. */
function writeKeyValue(w: ProtoWriter, field: number, key: string, value: AttributeValue): void {
  const k = keyBytes(key);
  w.ensure(k.length + (typeof value === 'string' ? value.length * 3 : 0) + 32);
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

// Pre-encoded KeyValue.key fields of the span attributes (the keys of spanAttributes()).
const K_PROVIDER = keyBytes('llm.provider');
const K_MODEL = keyBytes('llm.model');
const K_OPERATION = keyBytes('llm.operation');
const K_LATENCY = keyBytes('llm.latency_ms');
const K_INPUT = keyBytes('llm.input_tokens');
const K_OUTPUT = keyBytes('llm.output_tokens');
const K_COST = keyBytes('llm.cost_usd');
const K_PRICE_SOURCE = keyBytes('llm.price_source');
const K_CACHE = keyBytes('llm.cache_hit');
const K_TOOLS = keyBytes('llm.tool_calls');
const K_ERROR = keyBytes('llm.error_type');
const K_GEN_OPERATION = keyBytes('gen_ai.operation.name');
const K_GEN_PROVIDER = keyBytes('gen_ai.provider.name');
const K_GEN_MODEL = keyBytes('gen_ai.request.model');
const K_GEN_INPUT = keyBytes('gen_ai.usage.input_tokens');
const K_GEN_OUTPUT = keyBytes('gen_ai.usage.output_tokens');
const K_GEN_CACHE_READ = keyBytes('gen_ai.usage.cache_read.input_tokens');
const K_GEN_CACHE_WRITE = keyBytes('gen_ai.usage.cache_creation.input_tokens');
const K_GEN_REASONING = keyBytes('gen_ai.usage.reasoning.output_tokens');
const K_GEN_STREAM = keyBytes('gen_ai.request.stream');
const K_GEN_TTFT = keyBytes('gen_ai.response.time_to_first_chunk');
const K_ERROR_TYPE = keyBytes('error.type');

/** A complete string attribute field (Span.attributes = 9): tag, length, key, value. */
function stringAttrField(key: Uint8Array, value: string): Uint8Array {
  const v = stringValueBytes(value);
  const w = new ProtoWriter(key.length + v.length + 16);
  w.varint(tag(9, WIRE_LEN));
  w.varint(key.length + v.length);
  w.bytes(key);
  w.bytes(v);
  return w.slice();
}
const F_CACHE = CACHE_HITS.map((c) => stringAttrField(K_CACHE, c));
const F_PRICE_SOURCE: Record<PriceSource, Uint8Array> = {
  exact: stringAttrField(K_PRICE_SOURCE, 'exact'),
  alias: stringAttrField(K_PRICE_SOURCE, 'alias'),
  unpriced: stringAttrField(K_PRICE_SOURCE, 'unpriced'),
};
const F_ERROR_TYPE_OTHER = stringAttrField(K_ERROR_TYPE, '_OTHER');
/** gen_ai.request.stream = true: KeyValue{ key, value: AnyValue{ bool_value: true } }. */
const F_GEN_STREAM = ((): Uint8Array => {
  const w = new ProtoWriter();
  w.varint(tag(9, WIRE_LEN));
  w.varint(K_GEN_STREAM.length + 4);
  w.bytes(K_GEN_STREAM);
  w.varint(tag(2, WIRE_LEN));
  w.varint(2);
  w.varint(tag(2, WIRE_VARINT));
  w.varint(1);
  return w.slice();
})();
/** Fields written back to back, as one array. */
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
/** By operation: llm.operation, gen_ai.operation.name and, on streams, gen_ai.request.stream. */
const F_OPERATIONS = [OP_CHAT, OP_STREAM, OP_EMBED].map((op) => concat(
  stringAttrField(K_OPERATION, OPERATIONS[op]),
  stringAttrField(K_GEN_OPERATION, genAiOperation(op)),
  ...(op === OP_STREAM ? [F_GEN_STREAM] : []),
));
const providerFields = (p: string): Uint8Array => concat(stringAttrField(K_PROVIDER, p), stringAttrField(K_GEN_PROVIDER, genAiProvider(p)));
const modelFields = (m: string): Uint8Array => concat(stringAttrField(K_MODEL, m), stringAttrField(K_GEN_MODEL, m));
/**
 * Room reserved per span: ids, times and numbers need < 600 bytes; each of the (at most 14)
 * strings < 800 (strings are at most 256 UTF-16 units, so at most 768 UTF-8 bytes).
 */
const MAX_SPAN_BYTES = 16 * 1024;
const NAME_CHAT = utf8.encode('llm.chat');
const NAME_EMBED = utf8.encode('llm.embed');

/** A number attribute: int_value when an integer >= 0, else double_value (as the SDK does). */
function writeNumberAttr(w: ProtoWriter, k: Uint8Array, value: number): void {
  const isInt = value >= 0 && Number.isInteger(value);
  const anyLen = isInt ? 1 + varintSize(value) : 9;
  w.varint(tag(9, WIRE_LEN));
  w.varint(k.length + 2 + anyLen);
  w.bytes(k);
  w.varint(tag(2, WIRE_LEN));
  w.varint(anyLen);
  if (isInt) {
    w.varint(tag(3, WIRE_VARINT));
    w.varint(value);
  } else {
    w.varint(tag(4, WIRE_FIXED64));
    w.double(value);
  }
}

type FieldCache = (Uint8Array | undefined)[];

/**
 * Encodes TakenRanges. Holds what is constant for a worker: the Resource and
 * InstrumentationScope fields, and per string-table id its encoded attribute fields.
 */
export class OtlpProtoEncoder {
  readonly #resource: Uint8Array;
  readonly #scope: Uint8Array;
  readonly #out = new ProtoWriter(256 * 1024);
  // Complete attribute fields by string id, one cache per key. Bounded by the string table's
  // size (ids are never reused) times the number of keys.
  readonly #provider: FieldCache = [];
  readonly #model: FieldCache = [];
  readonly #error: FieldCache = [];
  readonly #errorType: FieldCache = [];
  readonly #statusMessage: FieldCache = [];
  readonly #genaiNames: FieldCache[] = [[], [], []];
  readonly #attributes = new Map<string, FieldCache>();

  constructor(resourceAttributes: Attributes) {
    const r = new ProtoWriter();
    writeAttributes(r, 1, resourceAttributes);
    this.#resource = r.slice();
    const s = new ProtoWriter();
    s.lenField(1, utf8.encode(INSTRUMENTATION_SCOPE.name));
    if (INSTRUMENTATION_SCOPE.version !== undefined) s.lenField(2, utf8.encode(INSTRUMENTATION_SCOPE.version));
    this.#scope = s.slice();
  }

  /** The field made by `make(string)` for string `id`, cached in `cache`. */
  #cached(cache: FieldCache, id: number, strings: StringLookup, make: (s: string) => Uint8Array): Uint8Array {
    let f = cache[id];
    if (f === undefined) {
      f = make(strings.get(id));
      cache[id] = f;
    }
    return f;
  }

  #attributeCache(key: string): FieldCache {
    let c = this.#attributes.get(key);
    if (c === undefined) {
      c = [];
      this.#attributes.set(key, c);
    }
    return c;
  }

  /**
   * Span `i` of the range. Field for field the span toReadableSpan() makes from the same record
   * (spans/record.ts): same name, times, attributes and status.
   */
  #writeSpan(w: ProtoWriter, range: TakenRange, i: number): void {
    const ctx = range.ctx;
    const strings = ctx.strings;
    const f = range.records.f64;
    const u = range.records.u32;
    const fb = i * RECORD_F64;
    const ub = i * RECORD_U32;
    const ids = range.ids;
    const at = i * ID_BYTES;
    const flags = u[ub + U_FLAGS];
    const op = flags & OP_MASK;
    const latencyMs = f[fb + F_LATENCY];
    const inputTokens = f[fb + F_INPUT];
    const outputTokens = f[fb + F_OUTPUT];
    const usage = (flags & FLAG_USAGE) !== 0;
    const cached = usage ? f[fb + F_CACHED_INPUT] : 0;
    const cacheWrite = usage ? f[fb + F_CACHE_WRITE] : 0;
    const reasoning = usage ? f[fb + F_REASONING] : 0;
    const ttft = usage ? f[fb + F_TTFT] : -1;
    const providerId = u[ub + U_PROVIDER];
    const modelId = u[ub + U_MODEL];
    const errorId = u[ub + U_ERROR];
    const endMs = ctx.timeOrigin + f[fb + F_END];
    const price = priceOfModel(ctx, modelId);

    w.varint(tag(1, WIRE_LEN));
    w.varint(16);
    w.bytes(ids, at + TRACE_AT, at + TRACE_AT + 16);
    w.varint(tag(2, WIRE_LEN));
    w.varint(8);
    w.bytes(ids, at + SPAN_AT, at + SPAN_AT + 8);
    if ((flags & FLAG_PARENT) !== 0) {
      w.varint(tag(4, WIRE_LEN));
      w.varint(8);
      w.bytes(ids, at + PARENT_AT, at + PARENT_AT + 8);
    }
    if (ctx.spanNames === 'genai') {
      w.bytes(this.#cached(this.#genaiNames[op], modelId, strings, (m) => lenFieldBytes(5, spanName('genai', op, m))));
    } else {
      w.lenField(5, op === OP_EMBED ? NAME_EMBED : NAME_CHAT);
    }
    w.varint(tag(6, WIRE_VARINT));
    w.varint(SPAN_KIND_CLIENT);
    w.varint(tag(7, WIRE_FIXED64));
    w.fixed64Nanos(endMs - latencyMs);
    w.varint(tag(8, WIRE_FIXED64));
    w.fixed64Nanos(endMs);

    // The original's llm.* attributes; the string ones share one cached copy with their gen_ai.*
    // twins (llm.provider + gen_ai.provider.name, llm.model + gen_ai.request.model,
    // llm.operation + gen_ai.operation.name [+ gen_ai.request.stream]). Attribute order carries
    // no meaning in OTLP.
    w.bytes(this.#cached(this.#provider, providerId, strings, providerFields));
    w.bytes(this.#cached(this.#model, modelId, strings, modelFields));
    w.bytes(F_OPERATIONS[op]);
    writeNumberAttr(w, K_LATENCY, round(latencyMs, 2));
    writeNumberAttr(w, K_INPUT, inputTokens);
    writeNumberAttr(w, K_OUTPUT, outputTokens);
    writeNumberAttr(w, K_COST, round(costOf(price.pricing, { inputTokens, outputTokens, cachedInputTokens: cached, cacheWriteTokens: cacheWrite }), 8));
    w.bytes(F_PRICE_SOURCE[price.source]);
    w.bytes(F_CACHE[(flags & CACHE_MASK) >>> CACHE_SHIFT]);
    writeNumberAttr(w, K_TOOLS, u[ub + U_TOOLS]);
    if (errorId !== 0) w.bytes(this.#cached(this.#error, errorId, strings, (s) => stringAttrField(K_ERROR, s)));

    // The rest of the GenAI semantic conventions.
    writeNumberAttr(w, K_GEN_INPUT, inputTokens);
    if (op !== OP_EMBED) writeNumberAttr(w, K_GEN_OUTPUT, outputTokens);
    if (cached > 0) writeNumberAttr(w, K_GEN_CACHE_READ, cached);
    if (cacheWrite > 0) writeNumberAttr(w, K_GEN_CACHE_WRITE, cacheWrite);
    if (reasoning > 0) writeNumberAttr(w, K_GEN_REASONING, reasoning);
    if (ttft >= 0) writeNumberAttr(w, K_GEN_TTFT, ttft / 1000);
    const isError = (flags & FLAG_ERROR) !== 0;
    if (isError) {
      w.bytes(errorId === 0 ? F_ERROR_TYPE_OTHER : this.#cached(this.#errorType, errorId, strings, (s) => stringAttrField(K_ERROR_TYPE, s)));
    }

    // The call's own attributes.
    const keys = ctx.attributeKeys;
    for (let k = 0; (flags & FLAG_ATTRS) !== 0 && k < keys.length; k++) {
      const id = u[ub + U_ATTRS + k];
      if (id !== 0) w.bytes(this.#cached(this.#attributeCache(keys[k]), id, strings, (s) => stringAttrField(keyBytes(keys[k]), s)));
    }

    if (isError) {
      // Status { message = 2; code = 3 }
      const message = errorId === 0 ? UNKNOWN_MESSAGE : this.#cached(this.#statusMessage, errorId, strings, (s) => lenFieldBytes(2, s));
      w.varint(tag(15, WIRE_LEN));
      w.varint(message.length + 2);
      w.bytes(message);
      w.varint(tag(3, WIRE_VARINT));
      w.varint(STATUS_CODE_ERROR);
    } else {
      // An empty Status: code UNSET.
      w.varint(tag(15, WIRE_LEN));
      w.varint(0);
    }
    const traceFlags = (flags & FLAG_PARENT) !== 0 ? u[ub + U_TRACE_FLAGS] : SAMPLED;
    w.varint(tag(16, WIRE_FIXED32));
    w.fixed32((traceFlags & 0xff) | SPAN_FLAGS_HAS_IS_REMOTE);
  }

  /** The ExportTraceServiceRequest carrying `range`; a fresh buffer the caller may keep. */
  encode(range: TakenRange): Uint8Array {
    // Spans first, into the shared buffer, each with its tag and length (ScopeSpans.spans = 2).
    const out = this.#out;
    out.reset();
    for (let i = 0; i < range.length; i++) {
      // Each span is written in place behind a 2-byte length that is patched afterwards; a
      // length under 2^14 written as two varint bytes (the first with its continuation bit) is
      // a valid, merely non-minimal, varint. A rare longer span is moved to make room.
      out.ensure(MAX_SPAN_BYTES);
      out.varint(tag(2, WIRE_LEN));
      const lengthAt = out.pos;
      out.pos += 2;
      this.#writeSpan(out, range, i);
      const len = out.pos - lengthAt - 2;
      if (len < 0x4000) {
        out.buf[lengthAt] = (len & 0x7f) | 0x80;
        out.buf[lengthAt + 1] = len >>> 7;
      } else {
        const body = out.buf.slice(lengthAt + 2, out.pos);
        out.pos = lengthAt;
        out.varint(len);
        out.bytes(body);
      }
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

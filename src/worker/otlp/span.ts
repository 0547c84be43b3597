// The bytes of one OTLP Span, for the batch encoder (request.ts). Worker only.
//
// Two ways to write a span, with the same bytes:
//   - SpanCache.writeBody/writeStatus: field by field, from cached key and value bytes. Used for
//     the uncommon spans (errors) and to make templates. What follows the numbers of some spans
//     only (their attributes, response fields, content) is written by extras.ts.
//   - templates: for a span without error, everything from its name to its status is fixed by
//     its Shape (provider, model, operation, cache hit, price) and by how each number is
//     encoded (integer of some varint size, or double): a span's signature. A template is the
//     bytes of one such span with the positions of its variable values; the encoder copies it
//     with one memmove and writes the values over it. A typical chat span is ~500 bytes of which
//     ~80 vary, and byte loops in JS cost ~2 ns a byte, so this is most of the encoder's speed.
// The order of fields and attributes is that of spanAttributes() (spans/record.ts); attribute
// order carries no meaning in OTLP, but keeping it keeps the bytes comparable across versions.

import { costOfCall, costWithRates, type CallPrice, type Rates } from '../../pricing/rates.js';
import { CACHE_MASK, CACHE_SHIFT, FLAG_ERROR, OP_EMBED, OP_MASK } from '../../shared/layout.js';
import { priceOfCall, spanName, type RecordContext } from '../../spans/record.js';
import {
  F_CACHE,
  F_ERROR_TYPE_OTHER,
  F_OPERATIONS,
  F_PRICE_SOURCE,
  K_COST,
  K_ERROR,
  K_ERROR_TYPE,
  K_GEN_CACHE_READ,
  K_GEN_CACHE_WRITE,
  K_GEN_INPUT,
  K_GEN_OUTPUT,
  K_GEN_REASONING,
  K_GEN_TTFT,
  K_INPUT,
  K_LATENCY,
  K_OUTPUT,
  K_TOOLS,
  SEED_NAMES,
  UNKNOWN_MESSAGE,
  modelFields,
  numberAttr,
  providerFields,
  stringAttrField,
} from './fields.js';
import { ExtraFields } from './extras.js';
import { ProtoWriter, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, lenFieldBytes, tag } from './proto-writer.js';

const SPAN_KIND_CLIENT = 3;
const STATUS_CODE_ERROR = 2;
/** Span.flags: the W3C trace flags, plus "the parent's is_remote is known" (bit 8). */
const SPAN_FLAGS_HAS_IS_REMOTE = 0x100;
/** Room reserved per span: ids, times and numbers < 600 bytes, each of the (at most 14) strings < 800. */
export const MAX_SPAN_BYTES = 16 * 1024;
/** The status and flags of a span without error: empty Status, then fixed32 flags. */
export const OK_TAIL_BYTES = 8;

/** One span's values as written; one scratch object, refilled per span. */
export class SpanValues {
  flags = 0;
  op = 0;
  errorId = 0;
  startMs = 0;
  endMs = 0;
  latency = 0; // rounded to 2 decimals
  input = 0;
  output = 0;
  cost = 0; // rounded to 8 decimals
  tools = 0;
  cached = 0;
  cacheWrite = 0;
  reasoning = 0;
  ttft = -1;
}

// round(x, 2) and round(x, 8) of spans/record.ts, with the scale a constant: there it is
// 10 ** decimals, which V8 leaves as a pow() call (~15% of the encoder's time). Same results:
// 10 ** 2 and 10 ** 8 are exact.
export const round2 = (x: number): number => Math.round(x * 100) / 100;
const round8 = (x: number): number => Math.round(x * 1e8) / 1e8;

// Positions in a template of its variable values (Template.marks).
export const M_START = 0;
export const M_END = 1;
export const M_LATENCY = 2;
export const M_INPUT = 3;
export const M_OUTPUT = 4;
export const M_COST = 5;
export const M_TOOLS = 6;
export const M_GEN_INPUT = 7;
export const M_GEN_OUTPUT = 8;
export const M_CACHED = 9;
export const M_CACHE_WRITE = 10;
export const M_REASONING = 11;
export const M_TTFT = 12;
const MARKS = 13;

export interface Template {
  /** Name to status and flags (the flags byte is OK_TAIL_BYTES - 4 from the end). */
  bytes: Uint8Array;
  /** Offsets in `bytes` of each variable value, -1 where absent. */
  marks: Int32Array;
}

/**
 * Templates kept per Shape, and bytes of templates per SpanCache: spans past either limit are
 * written field by field. A Shape sees a handful of signatures (varint sizes of its numbers), so
 * only junk in the records (thousands of model names, say) meets the limits.
 */
const MAX_TEMPLATES = 64;
const MAX_TEMPLATE_BYTES = 4 * 1024 * 1024;

/**
 * What is constant for every span of one (provider, model, priced model, operation, cache hit)
 * under one ctx. The priced model is the one that answered when the record says (codec.ts
 * priceModelWord), else the model asked for.
 */
export class Shape {
  readonly modelId: number;
  readonly providerId: number;
  readonly priceModelId: number;
  readonly opCache: number;
  /** The price of the (provider, priced model) pair under the ctx's table (spans/record.ts priceOfCall). */
  readonly price: CallPrice | undefined;
  /** price.plain: one set of rates, priced without looking at the time or the input size. */
  readonly plain: Rates | undefined;
  readonly priceSource: Uint8Array;
  readonly templates = new Map<number, Template>();
  lastKey = -1;
  last: Template | undefined;

  constructor(modelId: number, providerId: number, priceModelId: number, opCache: number, price: CallPrice | undefined, priceSource: Uint8Array) {
    this.modelId = modelId;
    this.providerId = providerId;
    this.priceModelId = priceModelId;
    this.opCache = opCache;
    this.price = price;
    this.plain = price?.plain;
    this.priceSource = priceSource;
  }

  /**
   * USD cost of the span's usage at `epochMs` (the call's end), rounded as the llm.cost_usd
   * attribute is: the arithmetic of costOfRecord() (spans/record.ts), on the encoder's numbers.
   */
  cost(input: number, output: number, cached: number, cacheWrite: number, reasoning: number, epochMs: number): number {
    const plain = this.plain;
    if (plain !== undefined) return round8(costWithRates(plain, input, output, cached, cacheWrite, reasoning));
    return round8(costOfCall(this.price, input, output, cached, cacheWrite, reasoning, epochMs));
  }
}

type FieldCache = (Uint8Array | undefined)[];

/**
 * Everything cached for the spans of one RecordContext: encoded attribute fields by string id
 * (bounded by the string table: ids are never reused), Shapes and their templates.
 */
export class SpanCache {
  readonly ctx: RecordContext;
  readonly #provider: FieldCache = [];
  readonly #model: FieldCache = [];
  readonly #names: FieldCache[] = [[], [], []];
  readonly #error: FieldCache = [];
  readonly #errorType: FieldCache = [];
  readonly #statusMessage: FieldCache = [];
  /** The fields after the numbers of the spans that have them. */
  readonly extras: ExtraFields;
  /** Shapes by model id, a short list each (a model usually comes from one provider). */
  readonly #shapes: (Shape[] | undefined)[] = [];
  readonly #scratch = new ProtoWriter(4096);
  readonly #marks = new Int32Array(MARKS);
  #templateBytes = 0;

  constructor(ctx: RecordContext) {
    this.ctx = ctx;
    this.extras = new ExtraFields(ctx);
  }

  #cached(cache: FieldCache, id: number, make: (s: string) => Uint8Array): Uint8Array {
    let f = cache[id];
    if (f === undefined) {
      f = make(this.ctx.strings.get(id));
      cache[id] = f;
    }
    return f;
  }

  shape(providerId: number, modelId: number, priceModelId: number, opCache: number): Shape {
    let list = this.#shapes[modelId];
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const s = list[i];
        if (s.providerId === providerId && s.opCache === opCache && s.priceModelId === priceModelId) return s;
      }
    } else {
      list = [];
      this.#shapes[modelId] = list;
    }
    const price = priceOfCall(this.ctx, providerId, priceModelId);
    const s = new Shape(modelId, providerId, priceModelId, opCache, price.price, F_PRICE_SOURCE[price.source]);
    // Bounded like the string table: a shape per (model, provider, priced model, 12 operation x cache hit).
    list.push(s);
    return s;
  }

  /** The template of a span without error, made from `v` on first use; undefined past the limit. */
  template(shape: Shape, key: number, v: SpanValues): Template | undefined {
    if (shape.lastKey === key) return shape.last;
    let t = shape.templates.get(key);
    if (t === undefined) {
      if (shape.templates.size >= MAX_TEMPLATES || this.#templateBytes >= MAX_TEMPLATE_BYTES) return undefined;
      const w = this.#scratch;
      w.pos = 0;
      w.ensure(MAX_SPAN_BYTES);
      const marks = new Int32Array(MARKS);
      this.writeBody(w, v, shape, marks);
      this.writeStatus(w, v, 0);
      t = { bytes: w.copy(), marks };
      shape.templates.set(key, t);
      this.#templateBytes += t.bytes.length;
    }
    shape.lastKey = key;
    shape.last = t;
    return t;
  }

  /** Name, kind, times and attributes up to the call's own: fields 5 to 9 of Span. */
  writeBody(w: ProtoWriter, v: SpanValues, shape: Shape, marks: Int32Array = this.#marks): void {
    const op = v.op;
    const modelId = shape.modelId;
    const spanNames = this.ctx.spanNames;
    w.bytes(spanNames === 'genai' ? this.#cached(this.#names[op], modelId, (m) => lenFieldBytes(5, spanName('genai', op, m))) : SEED_NAMES[op]);
    w.byte(tag(6, WIRE_VARINT));
    w.byte(SPAN_KIND_CLIENT);
    w.byte(tag(7, WIRE_FIXED64));
    marks[M_START] = w.pos;
    w.nanos(v.startMs);
    w.byte(tag(8, WIRE_FIXED64));
    marks[M_END] = w.pos;
    w.nanos(v.endMs);

    // The original's llm.* attributes; the string ones share one cached copy with their gen_ai.*
    // twins (llm.provider + gen_ai.provider.name, llm.model + gen_ai.request.model,
    // llm.operation + gen_ai.operation.name [+ gen_ai.request.stream]).
    w.bytes(this.#cached(this.#provider, shape.providerId, providerFields));
    w.bytes(this.#cached(this.#model, modelId, modelFields));
    w.bytes(F_OPERATIONS[op]);
    marks[M_LATENCY] = numberAttr(w, K_LATENCY, v.latency);
    marks[M_INPUT] = numberAttr(w, K_INPUT, v.input);
    marks[M_OUTPUT] = numberAttr(w, K_OUTPUT, v.output);
    marks[M_COST] = numberAttr(w, K_COST, v.cost);
    w.bytes(shape.priceSource);
    w.bytes(F_CACHE[(v.flags & CACHE_MASK) >>> CACHE_SHIFT]);
    marks[M_TOOLS] = numberAttr(w, K_TOOLS, v.tools);
    if (v.errorId !== 0) w.bytes(this.#cached(this.#error, v.errorId, (s) => stringAttrField(K_ERROR, s)));

    // The rest of the GenAI semantic conventions.
    marks[M_GEN_INPUT] = numberAttr(w, K_GEN_INPUT, v.input);
    marks[M_GEN_OUTPUT] = op !== OP_EMBED ? numberAttr(w, K_GEN_OUTPUT, v.output) : -1;
    marks[M_CACHED] = v.cached > 0 ? numberAttr(w, K_GEN_CACHE_READ, v.cached) : -1;
    marks[M_CACHE_WRITE] = v.cacheWrite > 0 ? numberAttr(w, K_GEN_CACHE_WRITE, v.cacheWrite) : -1;
    marks[M_REASONING] = v.reasoning > 0 ? numberAttr(w, K_GEN_REASONING, v.reasoning) : -1;
    marks[M_TTFT] = v.ttft >= 0 ? numberAttr(w, K_GEN_TTFT, v.ttft / 1000) : -1;
    if ((v.flags & FLAG_ERROR) !== 0) {
      w.bytes(v.errorId === 0 ? F_ERROR_TYPE_OTHER : this.#cached(this.#errorType, v.errorId, (s) => stringAttrField(K_ERROR_TYPE, s)));
    }
  }

  /** Status (field 15) and flags (field 16). */
  writeStatus(w: ProtoWriter, v: SpanValues, traceFlags: number): void {
    if ((v.flags & FLAG_ERROR) !== 0) {
      // Status { message = 2; code = 3 }
      const message = v.errorId === 0 ? UNKNOWN_MESSAGE : this.#cached(this.#statusMessage, v.errorId, (s) => lenFieldBytes(2, s));
      w.varint(tag(15, WIRE_LEN));
      w.varint(message.length + 2);
      w.bytes(message);
      w.byte(tag(3, WIRE_VARINT));
      w.byte(STATUS_CODE_ERROR);
    } else {
      // An empty Status: code UNSET. OK_TAIL_BYTES counts these two bytes and the flags.
      w.varint(tag(15, WIRE_LEN));
      w.byte(0);
    }
    w.varint(tag(16, WIRE_FIXED32));
    w.fixed32((traceFlags & 0xff) | SPAN_FLAGS_HAS_IS_REMOTE);
  }
}

/** The record flags a Shape depends on. */
export const OP_CACHE_MASK = OP_MASK | CACHE_MASK;

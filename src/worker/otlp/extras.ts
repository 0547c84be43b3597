// The attributes of a span beyond its template (span.ts): the call's own attributes, the
// response fields and the captured content, written between its numbers and its status. Worker
// only. Fields that take few values (the attribute values, the answered model, the finish reasons,
// the server address and port) are encoded once per string id and copied, the response ones as one
// block per combination (a batch of wrapped calls repeats one or two: one copy a span instead of
// four); the response id and the content differ per span and are written in place. The order is
// that of spanAttributes() (spans/record.ts).

import {
  FINISH_SEPARATOR, FLAG_ATTRS, FLAG_CONTENT, FLAG_RESPONSE, FLAG_SIGNALS, RESPONSE_ID_AT, U_ATTRS, X_FINISH, X_RESPONSE_ID_LEN, X_RESPONSE_MODEL, X_SERVER, X_SERVER_PORT,
} from '../../shared/layout.js';
import type { RingViews } from '../../shared/ring.js';
import { CONTENT_KEYS, originalBytesKey, type RecordContext, type SpanContent } from '../../spans/record.js';
import { numberAttr, stringAttrField } from './fields.js';
import { hasSignalWords, writeSignals } from './signals.js';
import { ProtoWriter, WIRE_LEN, concat, keyBytes, tag, utf8Bytes, varintSize } from './proto-writer.js';

/** The flags of the records that have extras (and records with cache-read input tokens: hasExtras()). */
export const EXTRAS_MASK = FLAG_ATTRS | FLAG_RESPONSE | FLAG_CONTENT | FLAG_SIGNALS;

/** Whether span `i` of `records` (flags `flags`) has extras: EXTRAS_MASK, or prompt-cache savings to write. */
export function hasExtras(records: RingViews, i: number, flags: number): boolean {
  return (flags & EXTRAS_MASK) !== 0 || hasSignalWords(records, i, flags);
}

const K_RESPONSE_MODEL = keyBytes('gen_ai.response.model');
const K_RESPONSE_ID = keyBytes('gen_ai.response.id');
const K_FINISH_REASONS = keyBytes('gen_ai.response.finish_reasons');
const K_SERVER_ADDRESS = keyBytes('server.address');
const K_SERVER_PORT = keyBytes('server.port');
const K_CONTENT = CONTENT_KEYS.map(([field, key, category]) => ({ field, key: keyBytes(key), original: keyBytes(originalBytesKey(category)), category }));

/** A string-array attribute field: KeyValue{ key, value: AnyValue{ array_value: ArrayValue{ values } } }. */
export function stringArrayAttrField(key: Uint8Array, values: readonly string[]): Uint8Array {
  const items = new ProtoWriter(64);
  for (const v of values) {
    const s = utf8Bytes(v);
    const any = 1 + varintSize(s.length) + s.length; // AnyValue{ string_value = 1 }
    items.ensure(any + 8);
    items.varint(tag(1, WIRE_LEN)); // ArrayValue.values
    items.varint(any);
    items.varint(tag(1, WIRE_LEN));
    items.varint(s.length);
    items.bytes(s);
  }
  const array = items.copy();
  const w = new ProtoWriter(64);
  attrHead(w, key, ANY_ARRAY, array.length);
  w.bytes(array);
  return w.copy();
}

const ANY_STRING = 1;
const ANY_ARRAY = 5;

/** The head of the gen_ai.response.id field, by the id's length in bytes (1 to MAX_RESPONSE_ID_BYTES). */
const ID_HEADS: ({ bytes: Uint8Array; view: DataView } | undefined)[] = [];

function idHead(n: number): { bytes: Uint8Array; view: DataView } {
  const w = new ProtoWriter(64);
  attrHead(w, K_RESPONSE_ID, ANY_STRING, n);
  const bytes = w.copy();
  // Padded to whole words, for copyWords' last one (it writes no byte past n).
  const padded = new Uint8Array(bytes.length + 4);
  padded.set(bytes);
  return { bytes, view: new DataView(padded.buffer) };
}

/** Copies n bytes from `from` at `at` to `to` at `p`, a 32-bit word at a time (byte order kept: both little-endian). */
function copyWords(to: DataView, p: number, from: DataView, at: number, n: number): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) to.setUint32(p + k, from.getUint32(at + k, true), true);
  for (; k < n; k++) to.setUint8(p + k, from.getUint8(at + k));
}

/**
 * The head of an attribute field whose value, field `any` of AnyValue (string_value, array_value),
 * the caller writes next in `n` bytes: KeyValue{ key, value: AnyValue{ ... } }, room ensured.
 */
function attrHead(w: ProtoWriter, key: Uint8Array, any: number, n: number): void {
  const anyLen = 1 + varintSize(n) + n;
  w.ensure(key.length + anyLen + 16);
  w.varint(tag(9, WIRE_LEN));
  w.varint(key.length + 1 + varintSize(anyLen) + anyLen);
  w.bytes(key);
  w.varint(tag(2, WIRE_LEN));
  w.varint(anyLen);
  w.varint(tag(any, WIRE_LEN));
  w.varint(n);
}

type FieldCache = (Uint8Array | undefined)[];

/** The encoded response fields of one combination of finish reasons, server and port, for one answered model. */
interface ResponseBlock {
  readonly finish: number;
  readonly server: number;
  readonly port: number;
  readonly bytes: Uint8Array;
}

/** Most combinations kept per answered model; past it, the oldest is replaced. */
const MAX_BLOCKS_PER_MODEL = 8;

/** What a span's extras are written from: its records' extension rows and its content (built once per span). */
export interface ExtrasSource {
  readonly records: RingViews;
  content(i: number): SpanContent | null;
}

export class ExtraFields {
  readonly #ctx: RecordContext;
  readonly #attrs: FieldCache[];
  readonly #attrKeys: Uint8Array[];
  readonly #models: FieldCache = [];
  readonly #finish: FieldCache = [];
  readonly #servers: FieldCache = [];
  /** Model, finish reasons, server and port encoded together: by answered model id, its combinations. */
  readonly #blocks: (ResponseBlock[] | undefined)[] = [];
  /** A DataView over the extension rows' bytes of the range being encoded. */
  #rowBytes: Uint8Array | undefined;
  #rowView: DataView | undefined;

  constructor(ctx: RecordContext) {
    this.#ctx = ctx;
    this.#attrs = ctx.attributeKeys.map(() => []);
    this.#attrKeys = ctx.attributeKeys.map(keyBytes);
  }

  #cached(cache: FieldCache, id: number, make: (s: string) => Uint8Array): Uint8Array {
    let f = cache[id];
    if (f === undefined) {
      f = make(this.#ctx.strings.get(id));
      cache[id] = f;
    }
    return f;
  }

  #copy(w: ProtoWriter, field: Uint8Array): void {
    w.ensure(field.length);
    w.bytes(field);
  }

  /** The extras of span `i` (record words at `ub`, flags `flags`) of `src`. */
  write(w: ProtoWriter, u: Uint32Array, ub: number, flags: number, src: ExtrasSource, i: number): void {
    if ((flags & FLAG_ATTRS) !== 0) {
      const keys = this.#attrKeys;
      for (let k = 0; k < keys.length; k++) {
        const id = u[ub + U_ATTRS + k];
        if (id !== 0) this.#copy(w, this.#cached(this.#attrs[k], id, (s) => stringAttrField(keys[k], s)));
      }
    }
    if ((flags & FLAG_RESPONSE) !== 0) this.#response(w, src.records.ext, ub, src.records.extBytes);
    if ((flags & FLAG_CONTENT) !== 0) {
      const c = src.content(i);
      if (c !== null) this.#content(w, c);
    }
    if (hasSignalWords(src.records, i, flags)) writeSignals(w, src.records, i, ub, this.#ctx);
  }

  /** The response fields of the extension row at `ub` of `x` (its bytes: `bytes`). */
  #response(w: ProtoWriter, x: Uint32Array, ub: number, bytes: Uint8Array): void {
    const model = x[ub + X_RESPONSE_MODEL];
    const finish = x[ub + X_FINISH];
    const server = x[ub + X_SERVER];
    const port = x[ub + X_SERVER_PORT];
    this.#copy(w, this.#block(model, finish, server, port));
    const n = x[ub + X_RESPONSE_ID_LEN];
    if (n !== 0) {
      // The field's head for this length, then the id straight from the row's bytes, four bytes
      // at a time: per-byte loops, the head's varints and a subarray to copy from each cost more.
      const head = (ID_HEADS[n] ??= idHead(n));
      w.ensure(head.bytes.length + n + 4);
      if (bytes !== this.#rowBytes) {
        this.#rowBytes = bytes;
        this.#rowView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
      const p = w.pos;
      copyWords(w.view, p, head.view, 0, head.bytes.length);
      copyWords(w.view, p + head.bytes.length, this.#rowView as DataView, ub * 4 + RESPONSE_ID_AT, n);
      w.pos = p + head.bytes.length + n;
    }
  }

  /** The encoded fields of one combination of answered model, finish reasons, server and port (0: absent). */
  #block(model: number, finish: number, server: number, port: number): Uint8Array {
    const list = (this.#blocks[model] ??= []);
    for (let k = 0; k < list.length; k++) {
      const b = list[k];
      if (b.finish === finish && b.server === server && b.port === port) return b.bytes;
    }
    const parts: Uint8Array[] = [];
    if (model !== 0) parts.push(this.#cached(this.#models, model, (s) => stringAttrField(K_RESPONSE_MODEL, s)));
    if (finish !== 0) parts.push(this.#cached(this.#finish, finish, (s) => stringArrayAttrField(K_FINISH_REASONS, s.split(FINISH_SEPARATOR))));
    if (server !== 0) parts.push(this.#cached(this.#servers, server, (s) => stringAttrField(K_SERVER_ADDRESS, s)));
    if (port !== 0) {
      const w = new ProtoWriter(K_SERVER_PORT.length + 16);
      numberAttr(w, K_SERVER_PORT, port);
      parts.push(w.copy());
    }
    const bytes = concat(...parts);
    if (list.length === MAX_BLOCKS_PER_MODEL) list.shift();
    list.push({ finish, server, port, bytes });
    return bytes;
  }

  #content(w: ProtoWriter, c: SpanContent): void {
    for (const k of K_CONTENT) {
      const v = c[k.field];
      if (v === undefined) continue;
      const n = Buffer.byteLength(v, 'utf8');
      attrHead(w, k.key, ANY_STRING, n);
      w.pos += w.buf.write(v, w.pos, n, 'utf8');
      const original = c.originalBytes?.[k.category];
      if (original !== undefined) {
        w.ensure(k.original.length + 16);
        numberAttr(w, k.original, original);
      }
    }
  }
}

// OTLP/HTTP JSON: an encoded ExportTraceServiceRequest (request.ts) rewritten as the OTLP
// JSON encoding, and the JSON answer read for partial success. Worker only.
//
// Why a transcoder rather than a second encoder: the protobuf request is the one form of a batch
// that is split when too large (split.ts) and kept by the spool, so the JSON is made from it
// right before each send, and both encodings carry the same spans by construction. It also means
// no OpenTelemetry SDK package (the SDK's JSON exporter) is needed for http/json.
//
// The rules (OTLP specification, "JSON Protobuf Encoding"): field names in lowerCamelCase; trace
// and span ids as hex strings, not base64; enums as their integer values; 64-bit integers as
// decimal strings (proto3's JSON mapping); fields at their default value left out. The schema
// (json-schema.ts) is the part of opentelemetry/proto/trace/v1 and common/v1 a request of
// ours can hold.

import { As, REQUEST, type FieldSpec, type Schema } from './json-schema.js';
import { BACKSLASH, COMMA, FIELD_ROOM, HEX_DIGITS, Out, QUOTE, u64 } from './json-out.js';
import type { PartialSuccess } from './wire.js';

/**
 * Reads one request's wire format and writes its JSON, in one pass over one buffer (a nested
 * message is the stretch up to `end`, not a copy). Throws RangeError on bytes that are not a
 * protobuf message of the schema.
 */
class Transcoder {
  readonly b: Uint8Array;
  readonly view: DataView;
  p = 0;
  end: number;
  out: Out;

  constructor(b: Uint8Array) {
    this.b = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.end = b.length;
    // JSON of our spans runs to about twice their protobuf size.
    this.out = new Out(b.length * 2 + 64);
  }

  /** A varint below 2^53 as a number. */
  varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      if (this.p >= this.end) throw new RangeError('truncated varint');
      const byte = this.b[this.p++];
      v += (byte & 0x7f) * scale;
      if (byte < 0x80) return v;
      scale *= 128;
      if (scale > 2 ** 63) throw new RangeError('varint too long');
    }
  }

  /** A varint read as a signed 64-bit integer, in decimal. */
  int64(): string {
    const at = this.p;
    const small = this.varint();
    if (this.p - at < 8) return String(small); // below 2^49: exact as a number
    this.p = at;
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.b[this.p++];
      v |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asIntN(64, v).toString();
      shift += 7n;
    }
  }

  /** Moves past `n` bytes; returns where they start. */
  need(n: number): number {
    const at = this.p;
    if (at + n > this.end) throw new RangeError('truncated field');
    this.p = at + n;
    return at;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.need(8);
    else if (wire === 5) this.need(4);
    else if (wire === 2) this.need(this.varint());
    else throw new RangeError(`unsupported wire type ${wire}`);
  }

  /**
   * `len` UTF-8 bytes at `at` as a JSON string. JSON text is UTF-8 too: the bytes are copied as
   * they are, but for `"`, `\` and the control characters, which are escaped.
   */
  string(at: number, len: number): void {
    const b = this.b;
    const out = this.out;
    out.room(len * 6 + 2); // the worst case: every byte a \u00XX escape
    const o = out.buf;
    let q = out.pos;
    o[q++] = QUOTE;
    for (let i = at; i < at + len; i++) {
      const c = b[i];
      if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) {
        o[q++] = c;
      } else if (c === QUOTE || c === BACKSLASH) {
        o[q++] = BACKSLASH;
        o[q++] = c;
      } else {
        o[q++] = BACKSLASH;
        o[q++] = 0x75; // u
        o[q++] = 0x30;
        o[q++] = 0x30;
        o[q++] = HEX_DIGITS[c >>> 4];
        o[q++] = HEX_DIGITS[c & 15];
      }
    }
    o[q++] = QUOTE;
    out.pos = q;
  }

  hex(at: number, len: number): void {
    const out = this.out;
    out.room(len * 2 + 2);
    const o = out.buf;
    let q = out.pos;
    o[q++] = QUOTE;
    for (let i = at; i < at + len; i++) {
      o[q++] = HEX_DIGITS[this.b[i] >>> 4];
      o[q++] = HEX_DIGITS[this.b[i] & 15];
    }
    o[q++] = QUOTE;
    out.pos = q;
  }

  quoted(text: string): void {
    this.out.byte(QUOTE);
    this.out.ascii(text);
    this.out.byte(QUOTE);
  }

  /** One value of `spec` at the reader's position (its key already read), written out. */
  value(spec: FieldSpec, wire: number): void {
    const as = spec.as;
    if (as === As.Message) {
      if (wire !== 2) throw new RangeError(`${spec.name}: expected a message`);
      const len = this.varint();
      const at = this.need(len);
      const outer = this.end;
      this.p = at;
      this.end = at + len;
      this.message(spec.of);
      this.end = outer;
      return;
    }
    if (as === As.String || as === As.HexBytes || as === As.Base64Bytes) {
      if (wire !== 2) throw new RangeError(`${spec.name}: expected bytes`);
      const len = this.varint();
      const at = this.need(len);
      if (as === As.String) this.string(at, len);
      else if (as === As.HexBytes) this.hex(at, len);
      else {
        this.out.room(Math.ceil(len / 3) * 4 + 2);
        this.quoted(Buffer.from(this.b.buffer, this.b.byteOffset + at, len).toString('base64'));
      }
      return;
    }
    if (as === As.Uint || as === As.Bool || as === As.Int64) {
      if (wire !== 0) throw new RangeError(`${spec.name}: expected a varint`);
      if (as === As.Int64) this.quoted(this.int64());
      else this.out.ascii(as === As.Uint ? String(this.varint()) : this.varint() === 0 ? 'false' : 'true');
      return;
    }
    if (as === As.Fixed32) {
      if (wire !== 5) throw new RangeError(`${spec.name}: expected fixed32`);
      this.out.ascii(String(this.view.getUint32(this.need(4), true)));
      return;
    }
    if (wire !== 1) throw new RangeError(`${spec.name}: expected a 64-bit value`);
    const at = this.need(8);
    if (as === As.Fixed64) {
      this.quoted(u64(this.view.getUint32(at + 4, true), this.view.getUint32(at, true)));
      return;
    }
    const v = this.view.getFloat64(at, true);
    // proto3 JSON writes the non-finite doubles as strings.
    if (Number.isFinite(v)) this.out.ascii(String(v));
    else this.quoted(Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
  }

  /**
   * One message, from the position to `end`, as a JSON object, written as its fields come: the
   * values of a repeated field, which encoders write one after another, go into one array. A
   * message whose fields come otherwise (a repeated field's values apart, a singular field twice)
   * is written again by gathering(), which merges them as protobuf does.
   */
  message(schema: Schema): void {
    const start = this.p;
    const outAt = this.out.pos;
    let seen = 0;
    let open: FieldSpec | undefined;
    this.out.room(FIELD_ROOM);
    this.out.byte(0x7b); // {
    while (this.p < this.end) {
      const key = this.varint();
      const field = key >>> 3;
      const spec = field < schema.length ? schema[field] : undefined;
      const wire = key & 7;
      if (spec === undefined) {
        this.skip(wire);
        continue;
      }
      this.out.room(FIELD_ROOM);
      if (spec === open) {
        this.out.byte(COMMA);
      } else {
        const bit = 1 << field;
        if (field > 30 || (seen & bit) !== 0) {
          this.gathering(schema, start, outAt);
          return;
        }
        if (open !== undefined) this.out.byte(0x5d); // ]
        if (seen !== 0) this.out.byte(COMMA);
        seen |= bit;
        this.out.bytes(spec.key);
        open = undefined;
        if (spec.repeated === true) {
          this.out.byte(0x5b); // [
          open = spec;
        }
      }
      this.value(spec, wire);
    }
    this.out.room(2);
    if (open !== undefined) this.out.byte(0x5d);
    this.out.byte(0x7d); // }
  }

  /** message(), for fields in any order: each value written apart, then joined. */
  gathering(schema: Schema, start: number, outAt: number): void {
    const outer = this.out;
    outer.pos = outAt;
    this.p = start;
    const specs: FieldSpec[] = [];
    const values: Uint8Array[][] = [];
    while (this.p < this.end) {
      const key = this.varint();
      const spec = (key >>> 3) < schema.length ? schema[key >>> 3] : undefined;
      const wire = key & 7;
      if (spec === undefined) {
        this.skip(wire);
        continue;
      }
      this.out = new Out(64);
      this.value(spec, wire);
      const v = this.out.buf.subarray(0, this.out.pos);
      const i = specs.indexOf(spec);
      if (i < 0) {
        specs.push(spec);
        values.push([v]);
      } else if (spec.repeated === true) {
        values[i].push(v);
      } else {
        values[i][0] = v; // the last one wins, as protobuf's merge rule says
      }
    }
    this.out = outer;
    outer.room(values.reduce((n, vs) => n + vs.reduce((m, v) => m + v.length + 1, FIELD_ROOM), 2));
    outer.byte(0x7b);
    specs.forEach((spec, i) => {
      if (i > 0) outer.byte(COMMA);
      outer.bytes(spec.key);
      if (spec.repeated === true) outer.byte(0x5b);
      values[i].forEach((v, k) => {
        if (k > 0) outer.byte(COMMA);
        outer.bytes(v);
      });
      if (spec.repeated === true) outer.byte(0x5d);
    });
    outer.byte(0x7d);
  }
}

/** The OTLP JSON encoding of an encoded ExportTraceServiceRequest, as UTF-8 bytes. */
export function requestToJson(request: Uint8Array): Uint8Array {
  const t = new Transcoder(request);
  t.message(REQUEST);
  return t.out.buf.subarray(0, t.out.pos);
}

/** partial_success of an OTLP/HTTP JSON answer, when it reports refused spans or a message. */
export function jsonPartialSuccess(answer: Uint8Array): PartialSuccess | undefined {
  try {
    const body = JSON.parse(Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength).toString('utf8')) as {
      partialSuccess?: { rejectedSpans?: unknown; errorMessage?: unknown };
    };
    const ps = body?.partialSuccess;
    if (ps === undefined || ps === null) return undefined;
    const rejected = Number(ps.rejectedSpans ?? 0);
    const message = typeof ps.errorMessage === 'string' ? ps.errorMessage : '';
    const n = Number.isSafeInteger(rejected) && rejected > 0 ? rejected : 0;
    return n > 0 || message.length > 0 ? { rejected: n, message } : undefined;
  } catch {
    return undefined; // an answer we cannot read is an ordinary success
  }
}

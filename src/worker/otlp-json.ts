// OTLP/HTTP JSON: an encoded ExportTraceServiceRequest (otlp-proto.ts) rewritten as the OTLP
// JSON encoding, and the JSON answer read for partial success. Worker only.
//
// Why a transcoder rather than a second encoder: the protobuf request is the one form of a batch
// that is split when too large (otlp-split.ts) and kept by the spool, so the JSON is made from it
// right before each send, and both encodings carry the same spans by construction. It also means
// no OpenTelemetry SDK package (the SDK's JSON exporter) is needed for http/json.
//
// The rules (OTLP specification, "JSON Protobuf Encoding"): field names in lowerCamelCase; trace
// and span ids as hex strings, not base64; enums as their integer values; 64-bit integers as
// decimal strings (proto3's JSON mapping); fields at their default value left out. The schema
// below is the part of opentelemetry/proto/trace/v1 and common/v1 a request of ours can hold.

/** How a field's value is written. */
const enum As {
  Message,
  String,
  HexBytes,
  Base64Bytes,
  /** uint32, enum, bool: a varint written as a JSON number (bool: true/false). */
  Uint,
  Bool,
  /** int64 varint: a decimal string. */
  Int64,
  /** fixed64: a decimal string. */
  Fixed64,
  Fixed32,
  Double,
}

interface FieldSpec {
  name: string;
  as: As;
  repeated?: boolean;
  /** For As.Message. */
  of?: Schema;
}

type Schema = Record<number, FieldSpec>;

const ANY_VALUE: Schema = {};
const KEY_VALUE: Schema = {
  1: { name: 'key', as: As.String },
  2: { name: 'value', as: As.Message, of: ANY_VALUE },
};
Object.assign(ANY_VALUE, {
  1: { name: 'stringValue', as: As.String },
  2: { name: 'boolValue', as: As.Bool },
  3: { name: 'intValue', as: As.Int64 },
  4: { name: 'doubleValue', as: As.Double },
  5: { name: 'arrayValue', as: As.Message, of: { 1: { name: 'values', as: As.Message, repeated: true, of: ANY_VALUE } } },
  6: { name: 'kvlistValue', as: As.Message, of: { 1: { name: 'values', as: As.Message, repeated: true, of: KEY_VALUE } } },
  7: { name: 'bytesValue', as: As.Base64Bytes },
} satisfies Schema);

const ATTRIBUTES: FieldSpec = { name: 'attributes', as: As.Message, repeated: true, of: KEY_VALUE };

const SPAN: Schema = {
  1: { name: 'traceId', as: As.HexBytes },
  2: { name: 'spanId', as: As.HexBytes },
  3: { name: 'traceState', as: As.String },
  4: { name: 'parentSpanId', as: As.HexBytes },
  5: { name: 'name', as: As.String },
  6: { name: 'kind', as: As.Uint },
  7: { name: 'startTimeUnixNano', as: As.Fixed64 },
  8: { name: 'endTimeUnixNano', as: As.Fixed64 },
  9: ATTRIBUTES,
  10: { name: 'droppedAttributesCount', as: As.Uint },
  11: {
    name: 'events', as: As.Message, repeated: true, of: {
      1: { name: 'timeUnixNano', as: As.Fixed64 },
      2: { name: 'name', as: As.String },
      3: ATTRIBUTES,
      4: { name: 'droppedAttributesCount', as: As.Uint },
    },
  },
  12: { name: 'droppedEventsCount', as: As.Uint },
  13: {
    name: 'links', as: As.Message, repeated: true, of: {
      1: { name: 'traceId', as: As.HexBytes },
      2: { name: 'spanId', as: As.HexBytes },
      3: { name: 'traceState', as: As.String },
      4: ATTRIBUTES,
      5: { name: 'droppedAttributesCount', as: As.Uint },
      6: { name: 'flags', as: As.Fixed32 },
    },
  },
  14: { name: 'droppedLinksCount', as: As.Uint },
  15: { name: 'status', as: As.Message, of: { 2: { name: 'message', as: As.String }, 3: { name: 'code', as: As.Uint } } },
  16: { name: 'flags', as: As.Fixed32 },
};

const REQUEST: Schema = {
  1: {
    name: 'resourceSpans', as: As.Message, repeated: true, of: {
      1: { name: 'resource', as: As.Message, of: { 1: ATTRIBUTES, 2: { name: 'droppedAttributesCount', as: As.Uint } } },
      2: {
        name: 'scopeSpans', as: As.Message, repeated: true, of: {
          1: {
            name: 'scope', as: As.Message, of: {
              1: { name: 'name', as: As.String },
              2: { name: 'version', as: As.String },
              3: ATTRIBUTES,
              4: { name: 'droppedAttributesCount', as: As.Uint },
            },
          },
          2: { name: 'spans', as: As.Message, repeated: true, of: SPAN },
          3: { name: 'schemaUrl', as: As.String },
        },
      },
      3: { name: 'schemaUrl', as: As.String },
    },
  },
};

import type { PartialSuccess } from './otlp-wire.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads the wire format of one buffer; throws RangeError on bytes that are not protobuf. */
class Reader {
  readonly b: Uint8Array;
  readonly view: DataView;
  p = 0;

  constructor(b: Uint8Array) {
    this.b = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** A varint below 2^53 as a number. */
  varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      if (this.p >= this.b.length) throw new RangeError('truncated varint');
      const byte = this.b[this.p++];
      v += (byte & 0x7f) * scale;
      if (byte < 0x80) return v;
      scale *= 128;
      if (scale > 2 ** 63) throw new RangeError('varint too long');
    }
  }

  /** A varint read as a signed 64-bit integer, in decimal. */
  int64(): string {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (this.p >= this.b.length) throw new RangeError('truncated varint');
      const byte = this.b[this.p++];
      v |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asIntN(64, v).toString();
      shift += 7n;
      if (shift > 63n) throw new RangeError('varint too long');
    }
  }

  need(n: number): number {
    const at = this.p;
    if (at + n > this.b.length) throw new RangeError('truncated field');
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
}

/** The JSON text of one value of `spec`, read at the reader's position (its key already read). */
function value(r: Reader, spec: FieldSpec, wire: number): string {
  switch (spec.as) {
    case As.Message: {
      if (wire !== 2) throw new RangeError(`${spec.name}: expected a message`);
      const len = r.varint();
      const at = r.need(len);
      return message(new Reader(r.b.subarray(at, at + len)), spec.of as Schema);
    }
    case As.String:
    case As.HexBytes:
    case As.Base64Bytes: {
      if (wire !== 2) throw new RangeError(`${spec.name}: expected bytes`);
      const len = r.varint();
      const at = r.need(len);
      const bytes = r.b.subarray(at, at + len);
      if (spec.as === As.String) return JSON.stringify(decoder.decode(bytes));
      if (spec.as === As.Base64Bytes) return `"${Buffer.from(bytes).toString('base64')}"`;
      let hex = '"';
      for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]];
      return `${hex}"`;
    }
    case As.Uint:
      if (wire !== 0) throw new RangeError(`${spec.name}: expected a varint`);
      return String(r.varint());
    case As.Bool:
      if (wire !== 0) throw new RangeError(`${spec.name}: expected a varint`);
      return r.varint() === 0 ? 'false' : 'true';
    case As.Int64:
      if (wire !== 0) throw new RangeError(`${spec.name}: expected a varint`);
      return `"${r.int64()}"`;
    case As.Fixed64: {
      if (wire !== 1) throw new RangeError(`${spec.name}: expected fixed64`);
      const at = r.need(8);
      return `"${((BigInt(r.view.getUint32(at + 4, true)) << 32n) | BigInt(r.view.getUint32(at, true))).toString()}"`;
    }
    case As.Fixed32:
      if (wire !== 5) throw new RangeError(`${spec.name}: expected fixed32`);
      return String(r.view.getUint32(r.need(4), true));
    case As.Double: {
      if (wire !== 1) throw new RangeError(`${spec.name}: expected a double`);
      const v = r.view.getFloat64(r.need(8), true);
      // proto3 JSON writes the non-finite doubles as strings.
      return Number.isFinite(v) ? String(v) : `"${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}"`;
    }
  }
}

/** One message as a JSON object: repeated fields gathered in order, unknown fields skipped. */
function message(r: Reader, schema: Schema): string {
  const single = new Map<string, string>();
  const lists = new Map<string, string[]>();
  while (r.p < r.b.length) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    const spec = schema[field];
    if (spec === undefined) {
      r.skip(wire);
      continue;
    }
    const v = value(r, spec, wire);
    if (spec.repeated === true) {
      const list = lists.get(spec.name);
      if (list === undefined) lists.set(spec.name, [v]);
      else list.push(v);
    } else {
      single.set(spec.name, v); // the last one wins, as protobuf's merge rule says
    }
  }
  const parts: string[] = [];
  for (const [name, v] of single) parts.push(`"${name}":${v}`);
  for (const [name, list] of lists) parts.push(`"${name}":[${list.join(',')}]`);
  return `{${parts.join(',')}}`;
}

/** The OTLP JSON encoding of an encoded ExportTraceServiceRequest, as UTF-8 bytes. */
export function requestToJson(request: Uint8Array): Buffer {
  return Buffer.from(message(new Reader(request), REQUEST), 'utf8');
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

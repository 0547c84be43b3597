// Reading the few OTLP messages the worker must look into after encoding them: the collector's
// ExportTraceServiceResponse (partial success) and an ExportTraceServiceRequest to be cut in two
// (split.ts). Worker only; plain protobuf wire format, no schema library.
//
//   ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
//   ExportTracePartialSuccess  { int64 rejected_spans = 1; string error_message = 2; }
//   ExportTraceServiceRequest  { repeated ResourceSpans resource_spans = 1; }
//   ResourceSpans              { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
//   ScopeSpans                 { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }

import { putVarint, varintSize, WIRE_LEN } from './proto-writer.js';

/** One field of a message: its number, and its bytes (the value of a length-delimited field, else the raw value). */
interface Field {
  field: number;
  wire: number;
  /** Varint value (wire 0). */
  value: number;
  start: number;
  end: number;
}

/** The fields of `b[start, end)`; throws RangeError on bytes that are not a protobuf message. */
function fields(b: Uint8Array, start = 0, end = b.length): Field[] {
  const out: Field[] = [];
  let p = start;
  const varint = (): number => {
    let v = 0;
    let scale = 1;
    for (;;) {
      if (p >= end) throw new RangeError('truncated varint');
      const byte = b[p++];
      v += (byte & 0x7f) * scale;
      if (byte < 0x80) return v;
      scale *= 128;
      if (scale > 2 ** 63) throw new RangeError('varint too long');
    }
  };
  while (p < end) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let value = 0;
    const at = p;
    switch (wire) {
      case 0: value = varint(); break;
      case 1: p += 8; break;
      case 5: p += 4; break;
      case WIRE_LEN: {
        const len = varint();
        out.push({ field, wire, value: 0, start: p, end: p + len });
        p += len;
        if (p > end) throw new RangeError('truncated field');
        continue;
      }
      default: throw new RangeError(`unsupported wire type ${wire}`);
    }
    if (p > end) throw new RangeError('truncated field');
    out.push({ field, wire, value, start: at, end: p });
  }
  return out;
}

export interface PartialSuccess {
  rejected: number;
  message: string;
}

/** partial_success of an ExportTraceServiceResponse, when it reports refused spans or a message. */
export function partialSuccess(response: Uint8Array): PartialSuccess | undefined {
  let ps: Field | undefined;
  try {
    ps = fields(response).find((f) => f.field === 1 && f.wire === WIRE_LEN);
    if (ps === undefined) return undefined;
    let rejected = 0;
    let message = '';
    for (const f of fields(response, ps.start, ps.end)) {
      if (f.field === 1 && f.wire === 0) rejected = f.value;
      else if (f.field === 2 && f.wire === WIRE_LEN) message = Buffer.from(response.buffer, response.byteOffset + f.start, f.end - f.start).toString('utf8');
    }
    return rejected > 0 || message.length > 0 ? { rejected, message } : undefined;
  } catch {
    return undefined; // an answer we cannot read is an ordinary success
  }
}

/** A span of a request, with the heads it sits under. */
interface SpanRef {
  /** resource_spans index, scope_spans index within it. */
  rs: number;
  ss: number;
  start: number;
  end: number;
}

interface Heads {
  /** The fields of each ResourceSpans but scope_spans (resource, schema_url), as written. */
  rsHead: Uint8Array[];
  /** The fields of each ScopeSpans but spans, by resource_spans index. */
  ssHead: Uint8Array[][];
}

/** The spans of a request, in order; undefined when the bytes are not one. */
function spansOf(b: Uint8Array): { heads: Heads; spans: SpanRef[] } | undefined {
  try {
    const heads: Heads = { rsHead: [], ssHead: [] };
    const spans: SpanRef[] = [];
    for (const rsf of fields(b)) {
      if (rsf.field !== 1 || rsf.wire !== WIRE_LEN) continue;
      const rs = heads.rsHead.length;
      const rsHead: Uint8Array[] = [];
      const ssHeads: Uint8Array[] = [];
      for (const f of fields(b, rsf.start, rsf.end)) {
        if (f.field !== 2 || f.wire !== WIRE_LEN) {
          rsHead.push(rawField(b, f));
          continue;
        }
        const ss = ssHeads.length;
        const ssHead: Uint8Array[] = [];
        for (const g of fields(b, f.start, f.end)) {
          if (g.field === 2 && g.wire === WIRE_LEN) spans.push({ rs, ss, start: g.start, end: g.end });
          else ssHead.push(rawField(b, g));
        }
        ssHeads.push(Buffer.concat(ssHead));
      }
      heads.rsHead.push(Buffer.concat(rsHead));
      heads.ssHead.push(ssHeads);
    }
    return { heads, spans };
  } catch {
    return undefined;
  }
}

/** A field as it was written: key, length (if any) and value. */
function rawField(b: Uint8Array, f: Field): Uint8Array {
  if (f.wire !== WIRE_LEN) return lenPrefixed(f.field, f.wire, b.subarray(f.start, f.end), false);
  return lenPrefixed(f.field, WIRE_LEN, b.subarray(f.start, f.end), true);
}

function lenPrefixed(field: number, wire: number, body: Uint8Array, withLength: boolean): Uint8Array {
  const key = field * 8 + wire;
  const out = Buffer.allocUnsafe(varintSize(key) + (withLength ? varintSize(body.length) : 0) + body.length);
  let p = putVarint(out, 0, key);
  if (withLength) p = putVarint(out, p, body.length);
  out.set(body, p);
  return out;
}

/**
 * The request cut in two requests of half its spans each (the same resources and scopes), with
 * their span counts; undefined for a request of fewer than two spans.
 */
export function splitRequest(request: Uint8Array): [Uint8Array, number, Uint8Array, number] | undefined {
  const parsed = spansOf(request);
  if (parsed === undefined || parsed.spans.length < 2) return undefined;
  const half = parsed.spans.length >>> 1;
  const a = parsed.spans.slice(0, half);
  const b = parsed.spans.slice(half);
  return [build(request, parsed.heads, a), a.length, build(request, parsed.heads, b), b.length];
}

/** A request of `spans` (in order), each under its own resource and scope heads. */
function build(src: Uint8Array, heads: Heads, spans: SpanRef[]): Uint8Array {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < spans.length) {
    const rs = spans[i].rs;
    const scopes: Uint8Array[] = [];
    while (i < spans.length && spans[i].rs === rs) {
      const ss = spans[i].ss;
      const parts: Uint8Array[] = [heads.ssHead[rs][ss]];
      for (; i < spans.length && spans[i].rs === rs && spans[i].ss === ss; i++) {
        parts.push(lenPrefixed(2, WIRE_LEN, src.subarray(spans[i].start, spans[i].end), true));
      }
      scopes.push(lenPrefixed(2, WIRE_LEN, Buffer.concat(parts), true));
    }
    out.push(lenPrefixed(1, WIRE_LEN, Buffer.concat([heads.rsHead[rs], ...scopes]), true));
  }
  return Buffer.concat(out);
}

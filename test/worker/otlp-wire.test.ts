// The worker's reading of OTLP messages (partial success, cutting a request in two) and the spool's
// record format, checked against protobufjs (from test/fixtures/otlp/trace.proto) and zlib.
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { partialSuccess, splitRequest } from '../../src/worker/otlp/wire.js';
import { crc32, parseSegment, record, segmentHeader, tableCrc32 } from '../../src/worker/spool/format.js';

const root = protobuf.loadSync(fileURLToPath(new URL('../fixtures/otlp/trace.proto', import.meta.url)));
const Request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const Response = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

/** A request of resources > scopes > spans, span names numbered in order. */
function request(shape: number[][]): Uint8Array {
  let k = 0;
  const resourceSpans = shape.map((scopes, r) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: `svc${r}` } }] },
    schemaUrl: `https://schema/${r}`,
    scopeSpans: scopes.map((spans, s) => ({
      scope: { name: `scope${r}.${s}` },
      spans: Array.from({ length: spans }, () => ({ name: `span${k++}`, traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2) })),
    })),
  }));
  return Request.encode(Request.create({ resourceSpans })).finish();
}

/** (resource, scope, span name) of each span, in order. */
function flatten(bytes: Uint8Array): string[] {
  const msg = Request.toObject(Request.decode(bytes)) as { resourceSpans?: { schemaUrl?: string; resource: { attributes: { value: { stringValue: string } }[] }; scopeSpans?: { scope: { name: string }; spans?: { name: string }[] }[] }[] };
  const out: string[] = [];
  for (const rs of msg.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) out.push(`${rs.resource.attributes[0].value.stringValue}|${rs.schemaUrl}|${ss.scope.name}|${s.name}`);
    }
  }
  return out;
}

describe('splitRequest', () => {
  it('cuts a request into two of half its spans each, keeping every span under its own resource and scope, in order', () => {
    const shapeArb = fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(shapeArb, (shape) => {
      const body = request(shape);
      const total = shape.flat().reduce((a, b) => a + b, 0);
      const halves = splitRequest(body);
      if (total < 2) {
        expect(halves).toBeUndefined();
        return;
      }
      const [a, na, b, nb] = halves as [Uint8Array, number, Uint8Array, number];
      expect(na).toBe(Math.floor(total / 2));
      expect(na + nb).toBe(total);
      expect([...flatten(a), ...flatten(b)]).toEqual(flatten(body));
    }), { seed: 14, numRuns: 200 });
  });
});

describe('partialSuccess', () => {
  it('reads rejected_spans and error_message, and nothing from a plain success', () => {
    const partial = Response.encode(Response.create({ partialSuccess: { rejectedSpans: 7, errorMessage: 'too many attributes' } })).finish();
    expect(partialSuccess(partial)).toEqual({ rejected: 7, message: 'too many attributes' });
    expect(partialSuccess(Response.encode(Response.create({})).finish())).toBeUndefined();
    expect(partialSuccess(Uint8Array.of(0x0a, 0x05, 0x08))).toBeUndefined(); // cut short: ignored
  });
});

describe('spool record format', () => {
  it('computes the CRC-32 zlib computes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      expect(crc32(bytes)).toBe(zlib.crc32(bytes));
      // The table's, used where Node has no zlib.crc32 (before 20.15), the same.
      expect(tableCrc32(bytes)).toBe(zlib.crc32(bytes));
    }), { seed: 14 });
  });

  it('reads back what it wrote, and marks a flipped byte and a cut-short record as damaged', () => {
    const payloads = [Buffer.from('first request'), Buffer.from('second request, longer'), Buffer.from('third')];
    const seg = Buffer.concat([segmentHeader('0123456789abcdef', 'otlpHttp'), ...payloads.map((p, i) => record(p, 10 + i, i % 2))]);
    const ok = parseSegment(seg);
    expect(ok).toMatchObject({ session: '0123456789abcdef', destination: 'otlpHttp', brokenTail: false });
    expect(ok?.records.map((r) => [r.spans, r.flags, r.length, r.damaged])).toEqual([[10, 0, 13, false], [11, 1, 22, false], [12, 0, 5, false]]);
    const flipped = Buffer.from(seg);
    flipped[(ok?.records[1].at as number) + 24 + 3] ^= 0x40;
    expect(parseSegment(flipped)?.records.map((r) => r.damaged)).toEqual([false, true, false]);
    const cut = seg.subarray(0, seg.length - 2);
    expect(parseSegment(cut)?.records.map((r) => r.damaged)).toEqual([false, false, true]);
    const badHead = Buffer.from(seg);
    badHead[(ok?.records[1].at as number) + 8] ^= 1; // the span count, covered by the head's CRC
    expect(parseSegment(badHead)).toMatchObject({ brokenTail: true, records: [{ spans: 10 }] });
  });
});

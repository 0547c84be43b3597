// The OTLP JSON transcoder (worker) against protobufjs: a request protobufjs encodes, with every
// kind of value the schema allows, reads back as protobufjs's own JSON form of it, written the
// OTLP way (ids in hex, 64-bit integers as strings, enums as numbers).
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { jsonPartialSuccess, requestToJson } from '../../src/worker/otlp/json.js';

const root = protobuf.loadSync(fileURLToPath(new URL('../fixtures/otlp/trace.proto', import.meta.url)));
const Request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** protobufjs's JSON form (base64 bytes, string longs, numeric enums), ids turned to hex as OTLP JSON writes them. */
function expected(message: protobuf.Message): unknown {
  const obj = Request.toObject(message, { longs: String, enums: Number, bytes: String, defaults: false, json: true });
  const hex = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(hex);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) =>
      [k, ID_KEYS.has(k) && typeof v === 'string' ? Buffer.from(v, 'base64').toString('hex') : hex(v)]));
  };
  return hex(obj);
}

const bytes = (hex: string): Buffer => Buffer.from(hex, 'hex');

describe('requestToJson', () => {
  it('writes every field and value kind as protobufjs reads them, in the OTLP JSON spelling', () => {
    const message = Request.fromObject({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gw' } }], droppedAttributesCount: 2 },
        schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
        scopeSpans: [{
          scope: { name: 'ractogateway', version: '0.1.0' },
          spans: [{
            traceId: bytes('0af7651916cd43dd8448eb211c80319c'),
            spanId: bytes('b7ad6b7169203331'),
            parentSpanId: bytes('00f067aa0ba902b7'),
            traceState: 'vendor=1',
            name: 'llm.chat',
            kind: 3,
            startTimeUnixNano: '1764756000123456789',
            endTimeUnixNano: '18446744073709551615',
            attributes: [
              { key: 's', value: { stringValue: 'héllo "quoted" \\n' } },
              { key: 'b', value: { boolValue: true } },
              { key: 'i', value: { intValue: '-9007199254740993' } },
              { key: 'big', value: { intValue: '9223372036854775807' } },
              { key: 'd', value: { doubleValue: 0.1 } },
              { key: 'bytes', value: { bytesValue: bytes('00ff10') } },
              { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '7' }] } } },
              { key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { doubleValue: 2.5 } }] } } },
            ],
            droppedAttributesCount: 1,
            events: [{ timeUnixNano: '1764756000123456790', name: 'first chunk', attributes: [{ key: 'n', value: { intValue: '1' } }] }],
            links: [{ traceId: bytes('11111111111111111111111111111111'), spanId: bytes('2222222222222222'), flags: 257 }],
            droppedLinksCount: 3,
            status: { code: 2, message: 'RateLimitError' },
            flags: 769,
          }],
        }],
      }],
    });
    const json = JSON.parse(Buffer.from(requestToJson(Request.encode(message).finish())).toString('utf8'));
    expect(json).toEqual(expected(message));
    expect(json.resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano).toBe('18446744073709551615');
  });

  it('agrees with protobufjs on random spans', () => {
    const span = fc.record({
      traceId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      spanId: fc.uint8Array({ minLength: 8, maxLength: 8 }),
      name: fc.string({ minLength: 1, unit: 'binary' }),
      kind: fc.integer({ min: 0, max: 5 }),
      startTimeUnixNano: fc.bigInt(1n, 2n ** 64n - 1n).map(String),
      attributes: fc.array(fc.record({
        key: fc.string({ minLength: 1 }),
        value: fc.oneof(
          fc.record({ stringValue: fc.string({ minLength: 1, unit: 'binary' }) }),
          fc.record({ intValue: fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).filter((v) => v !== 0n).map(String) }),
          fc.record({ doubleValue: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => v !== 0) }),
        ),
      }), { maxLength: 6 }),
    });
    fc.assert(fc.property(fc.array(span, { minLength: 1, maxLength: 5 }), (spans) => {
      const message = Request.fromObject({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
      expect(JSON.parse(Buffer.from(requestToJson(Request.encode(message).finish())).toString('utf8'))).toEqual(expected(message));
    }), { seed: 20261203, numRuns: 300 });
  });

  it('merges fields that come apart as protobuf does: repeated values gathered, the last singular value kept', () => {
    const ResourceSpans = root.lookupType('opentelemetry.proto.trace.v1.ResourceSpans');
    const scope = (name: string) => ({ scope: { name }, spans: [{ traceId: bytes('01'.repeat(16)), spanId: bytes('02'.repeat(8)), name }] });
    // Two encodings of one ResourceSpans, one after the other, are one message: its scope_spans
    // come in two runs with schema_url between them, and schema_url twice.
    const rs = Buffer.concat([
      ResourceSpans.encode(ResourceSpans.fromObject({ scopeSpans: [scope('a')], schemaUrl: 'first' })).finish(),
      ResourceSpans.encode(ResourceSpans.fromObject({ scopeSpans: [scope('b')], schemaUrl: 'second' })).finish(),
    ]);
    const request = Buffer.concat([Uint8Array.of(0x0a, rs.length), rs]);
    const json = JSON.parse(Buffer.from(requestToJson(request)).toString('utf8'));
    expect(json).toEqual(expected(Request.decode(request)));
    expect(json.resourceSpans[0].scopeSpans.map((s: { scope: { name: string } }) => s.scope.name)).toEqual(['a', 'b']);
    expect(json.resourceSpans[0].schemaUrl).toBe('second');
  });

  it('throws a RangeError on bytes that are not a request', () => {
    expect(() => requestToJson(Uint8Array.of(0x0a, 0x05, 0x01))).toThrow(RangeError);
  });
});

describe('jsonPartialSuccess', () => {
  it.each([
    ['{"partialSuccess":{"rejectedSpans":"3","errorMessage":"too old"}}', { rejected: 3, message: 'too old' }],
    ['{"partialSuccess":{"rejectedSpans":2}}', { rejected: 2, message: '' }],
    ['{"partialSuccess":{"errorMessage":"a warning"}}', { rejected: 0, message: 'a warning' }],
    ['{"partialSuccess":{}}', undefined],
    ['{}', undefined],
    ['not json', undefined],
  ])('reads %s', (answer, want) => {
    expect(jsonPartialSuccess(Buffer.from(answer))).toEqual(want);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRecord, emptyFields, encodeRecord, type RecordFields } from '../../src/shared/codec.js';
import * as L from '../../src/shared/layout.js';
import { attachRing, createRing, isPublished, publishWrite } from '../../src/shared/ring.js';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const count = fc.integer({ min: 0, max: 0xffff_ffff });
const recordArb: fc.Arbitrary<RecordFields> = fc
  .record({
    endMs: fc.double({ min: 0, max: 1e12, noNaN: true }),
    latencyMs: fc.double({ min: 0, max: 1e9, noNaN: true }),
    inputTokens: count,
    outputTokens: count,
    cachedInputTokens: count,
    cacheWriteTokens: count,
    reasoningTokens: count,
    ttftMs: fc.oneof(fc.constant(-1), fc.double({ min: 0, max: 1e6, noNaN: true })),
    providerId: u32,
    modelId: u32,
    errorId: u32,
    flags: fc.integer({ min: 0, max: 0xff }),
    toolCalls: count,
    trace0: u32,
    trace1: u32,
    trace2: u32,
    trace3: u32,
    parent0: u32,
    parent1: u32,
    traceFlags: fc.integer({ min: 0, max: 255 }),
    attrs: fc.array(u32, { minLength: L.MAX_ATTRIBUTE_KEYS, maxLength: L.MAX_ATTRIBUTE_KEYS }),
  })
  // Words whose flag is unset are not read back: they decode as their defaults.
  .map((r) => ((r.flags & L.FLAG_PARENT) !== 0 ? r : { ...r, trace0: 0, trace1: 0, trace2: 0, trace3: 0, parent0: 0, parent1: 0, traceFlags: 0 }))
  .map((r) => ((r.flags & L.FLAG_USAGE) !== 0 ? r : { ...r, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ttftMs: -1 }))
  .map((r) => ((r.flags & L.FLAG_ATTRS) !== 0 ? r : { ...r, attrs: [0, 0, 0, 0] }));

describe('record codec', () => {
  it('decodes what it encoded, across many wraparounds of a small ring', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 600 }), fc.nat(1_000_000), (records, offset) => {
        const ring = createRing(64);
        // Write everything first, reading back each record while its slot still holds it,
        // then check that the last `capacity` records all survive (no neighbour corruption).
        records.forEach((r, i) => {
          encodeRecord(ring, offset + i, r);
          expect(decodeRecord(ring, offset + i)).toEqual(r);
        });
        const tail = records.slice(-64);
        const base = offset + records.length - tail.length;
        tail.forEach((r, i) => expect(decodeRecord(ring, base + i)).toEqual(r));
      }),
      { seed: 20261124, numRuns: 200 },
    );
  });

  it('reuses the out object it is given', () => {
    const ring = createRing(64);
    const out = emptyFields();
    encodeRecord(ring, 3, { ...emptyFields(), modelId: 7 });
    expect(decodeRecord(ring, 3, out)).toBe(out);
    expect(out.modelId).toBe(7);
  });
});

describe('record ABI', () => {
  it('places the float64 words in the first half and the uint32 words after them without overlap', () => {
    const f64Words = [L.F_END, L.F_LATENCY, L.F_INPUT, L.F_OUTPUT, L.F_CACHED_INPUT, L.F_CACHE_WRITE, L.F_REASONING, L.F_TTFT];
    const u32Words = [L.U_PROVIDER, L.U_MODEL, L.U_ERROR, L.U_FLAGS, L.U_TOOLS, L.U_TRACE, L.U_TRACE + 1, L.U_TRACE + 2,
      L.U_TRACE + 3, L.U_PARENT, L.U_PARENT + 1, L.U_TRACE_FLAGS];
    expect(new Set(f64Words).size).toBe(f64Words.length);
    expect(new Set(u32Words).size).toBe(u32Words.length);
    const f64Bytes = f64Words.map((w) => w * 8);
    const u32Bytes = u32Words.map((w) => w * 4);
    expect(Math.max(...f64Bytes) + 8).toBeLessThanOrEqual(Math.min(...u32Bytes));
    expect(Math.max(...u32Bytes) + 4).toBeLessThanOrEqual(L.RECORD_BYTES);
    expect(L.RECORD_BYTES).toBe(128);
    expect(L.HEADER_BYTES % 8).toBe(0);
  });

  it('writes the header a worker checks: magic with version, capacity, record size', () => {
    const ring = createRing(128);
    expect(ring.header[L.H_MAGIC]).toBe(L.ABI_MAGIC);
    expect(ring.header[L.H_MAGIC] & 0xffff).toBe(L.ABI_VERSION);
    expect(ring.header[L.H_CAPACITY]).toBe(128);
    expect(ring.header[L.H_RECORD_BYTES]).toBe(L.RECORD_BYTES);
    expect(ring.buffer.byteLength).toBe(L.HEADER_BYTES + 128 * L.RECORD_BYTES);
    expect(attachRing(ring.buffer).capacity).toBe(128);
  });

  it('refuses to attach to a ring of another ABI version', () => {
    const ring = createRing(64);
    ring.header[L.H_MAGIC] = L.ABI_MAGIC + 1;
    expect(() => attachRing(ring.buffer)).toThrow(/record ring ABI mismatch/);
  });

  it('publishes write indices modulo 2^32', () => {
    const ring = createRing(64);
    publishWrite(ring, 2 ** 32 + 5);
    expect(isPublished(ring, 2 ** 32 + 5)).toBe(true);
    expect(isPublished(ring, 2 ** 32 + 4)).toBe(true);
    expect(isPublished(ring, 2 ** 32 + 6)).toBe(false);
  });
});

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
    flags: fc.integer({ min: 0, max: 0x7ff }),
    toolCalls: count,
    trace0: u32,
    trace1: u32,
    trace2: u32,
    trace3: u32,
    parent0: u32,
    parent1: u32,
    traceFlags: fc.integer({ min: 0, max: 255 }),
    attrs: fc.array(u32, { minLength: L.MAX_ATTRIBUTE_KEYS, maxLength: L.MAX_ATTRIBUTE_KEYS }),
    responseModelId: u32,
    finishId: u32,
    serverId: u32,
    serverPort: fc.integer({ min: 0, max: 65_535 }),
    // Any UTF-8 of at most MAX_RESPONSE_ID_BYTES bytes (up to 4 bytes a code point).
    responseId: fc.string({ unit: 'grapheme', maxLength: 24 }),
    contentAt: u32,
    contentLength: u32,
    signals: fc.integer({ min: 0, max: (1 << 15) - 1 }),
    savedInputTokens: count,
    savedOutputTokens: count,
    chunks: count,
    chunksAfterFirstMs: fc.double({ min: 0, max: 1e9, noNaN: true }),
    maxChunkGapMs: fc.double({ min: 0, max: 1e9, noNaN: true }),
    retryAfterMs: fc.double({ min: 0, max: 86_400_000, noNaN: true }),
    limitRemaining: fc.array(u32, { minLength: 4, maxLength: 4 }),
    limitValue: fc.array(u32, { minLength: 4, maxLength: 4 }),
    // The resets are float32 seconds: values a float32 holds exactly.
    limitResetSeconds: fc.array(fc.float({ min: 0, max: 86_400, noNaN: true }).map(Math.fround), { minLength: 4, maxLength: 4 }),
  })
  // Words whose flag is unset are not read back: they decode as their defaults.
  .map((r) => ((r.flags & L.FLAG_PARENT) !== 0 ? r : { ...r, trace0: 0, trace1: 0, trace2: 0, trace3: 0, parent0: 0, parent1: 0, traceFlags: 0 }))
  .map((r) => ((r.flags & L.FLAG_USAGE) !== 0 ? r : { ...r, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ttftMs: -1 }))
  .map((r) => ((r.flags & L.FLAG_ATTRS) !== 0 ? r : { ...r, attrs: [0, 0, 0, 0] }))
  .map((r) => ((r.flags & L.FLAG_RESPONSE) !== 0 && Buffer.byteLength(r.responseId) <= L.MAX_RESPONSE_ID_BYTES ? r
    : { ...r, responseModelId: 0, finishId: 0, serverId: 0, serverPort: 0, responseId: '' }))
  .map((r) => ((r.flags & L.FLAG_CONTENT) !== 0 ? r : { ...r, contentAt: 0, contentLength: 0 }))
  // The signals row: absent without FLAG_SIGNALS; within it, each value only under its `have` bit.
  .map((r) => {
    if ((r.flags & L.FLAG_SIGNALS) === 0) {
      return { ...r, signals: 0, savedInputTokens: 0, savedOutputTokens: 0, chunks: 0, chunksAfterFirstMs: 0, maxChunkGapMs: 0, retryAfterMs: 0,
        limitRemaining: [0, 0, 0, 0], limitValue: [0, 0, 0, 0], limitResetSeconds: [0, 0, 0, 0] };
    }
    const saved = (r.signals & L.SG_HAVE_SAVED) !== 0;
    const chunks = (r.signals & L.SG_HAVE_CHUNKS) !== 0;
    return { ...r, savedInputTokens: saved ? r.savedInputTokens : 0, savedOutputTokens: saved ? r.savedOutputTokens : 0,
      chunks: chunks ? r.chunks : 0, chunksAfterFirstMs: chunks ? r.chunksAfterFirstMs : 0, maxChunkGapMs: chunks ? r.maxChunkGapMs : 0,
      retryAfterMs: (r.signals & L.SG_HAVE_RETRY) !== 0 ? r.retryAfterMs : 0 };
  });

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
  it('lays every field out without overlap, a common call in the first 64-byte cache line', () => {
    // [first byte, last byte + 1) of every field of a record.
    const f64 = (w: number): [number, number] => [w * 8, w * 8 + 8];
    const u32 = (w: number, n = 1): [number, number] => [w * 4, w * 4 + 4 * n];
    const common = [f64(L.F_END), f64(L.F_LATENCY), f64(L.F_INPUT), f64(L.F_OUTPUT),
      u32(L.U_PROVIDER), u32(L.U_MODEL), u32(L.U_ERROR), u32(L.U_FLAGS), u32(L.U_TOOLS)];
    const rare = [f64(L.F_CACHED_INPUT), f64(L.F_CACHE_WRITE), f64(L.F_REASONING), f64(L.F_TTFT),
      u32(L.U_TRACE, 4), u32(L.U_PARENT, 2), u32(L.U_TRACE_FLAGS), u32(L.U_ATTRS, L.MAX_ATTRIBUTE_KEYS)];
    const all = [...common, ...rare].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < all.length; i++) expect(all[i][0]).toBeGreaterThanOrEqual(all[i - 1][1]);
    expect(all[0][0]).toBeGreaterThanOrEqual(0);
    expect(all[all.length - 1][1]).toBeLessThanOrEqual(L.RECORD_BYTES);
    for (const [, end] of common) expect(end).toBeLessThanOrEqual(64);
    expect(L.RECORD_BYTES).toBe(128);
    expect(L.HEADER_BYTES % 64).toBe(0);
  });

  it('lays the extension row out without overlap, the response id filling its end, one row per record index', () => {
    const u32 = (w: number): [number, number] => [w * 4, w * 4 + 4];
    const all = [u32(L.X_RESPONSE_MODEL), u32(L.X_FINISH), u32(L.X_SERVER), u32(L.X_SERVER_PORT), u32(L.X_CONTENT_AT), u32(L.X_CONTENT_LEN),
      u32(L.X_WIRE), u32(L.X_RESPONSE_ID_LEN), [L.RESPONSE_ID_AT, L.RESPONSE_ID_AT + L.MAX_RESPONSE_ID_BYTES] as [number, number]].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < all.length; i++) expect(all[i][0]).toBeGreaterThanOrEqual(all[i - 1][1]);
    expect(all[all.length - 1][1]).toBe(L.EXT_BYTES);
    // A record and its row share an index (the writer and the readers rely on it).
    expect(L.EXT_U32).toBe(L.RECORD_U32);
    expect(L.EXT_FLAGS_MASK).toBe(L.FLAG_RESPONSE | L.FLAG_CONTENT | L.FLAG_WIRE);
  });

  it('lays the signals row out without overlap, one row per record index', () => {
    const u32 = (w: number, n = 1): [number, number] => [w * 4, w * 4 + 4 * n];
    const f64 = (w: number): [number, number] => [w * 8, w * 8 + 8];
    const all = [u32(L.SG_HAVE), u32(L.SG_SAVED_INPUT), u32(L.SG_SAVED_OUTPUT), u32(L.SG_CHUNKS), f64(L.SG_F_CHUNKS_AFTER_FIRST), f64(L.SG_F_MAX_GAP),
      f64(L.SG_F_RETRY_AFTER), u32(L.SG_REMAINING, 4), u32(L.SG_LIMIT, 4), u32(L.SG_RESET, 4)].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < all.length; i++) expect(all[i][0]).toBeGreaterThanOrEqual(all[i - 1][1]);
    expect(all[all.length - 1][1]).toBeLessThanOrEqual(L.SIGNALS_BYTES);
    expect(L.SIGNALS_U32).toBe(L.RECORD_U32);
    // The have bits: three flags, then 3 per limit kind, within the word.
    expect(L.SG_HAVE_LIMITS >>> 0).toBeLessThan(2 ** 32);
    expect(L.SG_HAVE_LIMITS & (L.SG_HAVE_SAVED | L.SG_HAVE_CHUNKS | L.SG_HAVE_RETRY)).toBe(0);
    // Not an extension flag: a record with signals only does not make its range copy the extension rows.
    expect(L.EXT_FLAGS_MASK & L.FLAG_SIGNALS).toBe(0);
  });

  it('writes the header a worker checks: magic with version, capacity, record size', () => {
    const ring = createRing(128);
    expect(ring.header[L.H_MAGIC]).toBe(L.ABI_MAGIC);
    expect(ring.header[L.H_MAGIC] & 0xffff).toBe(L.ABI_VERSION);
    expect(ring.header[L.H_CAPACITY]).toBe(128);
    expect(ring.header[L.H_RECORD_BYTES]).toBe(L.RECORD_BYTES);
    expect(ring.buffer.byteLength).toBe(L.HEADER_BYTES + 128 * (L.RECORD_BYTES + L.EXT_BYTES + L.SIGNALS_BYTES));
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

// The aggregation's fast bucket search (logarithm by bit length, settled against the bounds)
// must agree with the plain definition, "the first bound the value does not exceed", everywhere:
// at the boundaries, next to them and far off.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucket, GENAI_SECONDS_BOUNDS, GENAI_TOKEN_BOUNDS, secondsBucket, tokensBucket } from '../../dist/worker/metrics/series.js';

describe('histogram bucket search', () => {
  it('seconds: agrees with the linear search for any latency in ms', () => {
    const atBounds = GENAI_SECONDS_BOUNDS.flatMap((b) => [b * 1000, b * 1000 * (1 + 1e-15), b * 1000 * (1 - 1e-15), b * 1000 + 0.01, b * 1000 - 0.01]);
    for (const ms of [0, 0.001, 1, 9.99, 10, 10.0001, ...atBounds, 1e6, 1e12, Number.MAX_VALUE]) {
      expect(secondsBucket(ms), String(ms)).toBe(bucket(GENAI_SECONDS_BOUNDS, ms / 1000));
    }
    fc.assert(fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), (ms) => secondsBucket(ms) === bucket(GENAI_SECONDS_BOUNDS, ms / 1000)), { numRuns: 20_000 });
  });

  it('tokens: agrees with the linear search for any count below 2^32', () => {
    for (const n of [0, 1, 2, 3, 4, 5, ...GENAI_TOKEN_BOUNDS.flatMap((b) => [b - 1, b, b + 1]), 2 ** 32 - 1]) {
      expect(tokensBucket(n), String(n)).toBe(bucket(GENAI_TOKEN_BOUNDS, n));
    }
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => tokensBucket(n) === bucket(GENAI_TOKEN_BOUNDS, n)), { numRuns: 20_000 });
  });
});

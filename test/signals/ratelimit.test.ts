// The one reading of the providers' rate-limit headers (src/shared/ratelimit.ts), used by the
// wrappers on the main thread and by the wire capture's workers: values sent come back, values that
// are not numbers, past, or absurd are left out, and nothing becomes a label.
import { describe, expect, it } from 'vitest';
import { rateLimitsFromHeaders } from '../pkg.js';
import { rateLimitsFromPairs, retryAfterMs } from '../../src/shared/ratelimit.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');

describe('rateLimitsFromHeaders', () => {
  it('reads OpenAI headers from a fetch Headers, resets as durations in seconds', () => {
    const h = new Headers({
      'x-ratelimit-limit-requests': '500', 'x-ratelimit-remaining-requests': '499', 'x-ratelimit-reset-requests': '1m30.5s',
      'x-ratelimit-limit-tokens': '200000', 'x-ratelimit-remaining-tokens': '199000', 'x-ratelimit-reset-tokens': '300ms',
    });
    expect(rateLimitsFromHeaders(h, false, NOW)).toEqual({
      rateLimits: { requestsLimit: 500, requestsRemaining: 499, requestsResetSeconds: 90.5, tokensLimit: 200000, tokensRemaining: 199000, tokensResetSeconds: 0.3 },
      retryAfterMs: undefined,
    });
  });

  it('reads Anthropic headers from a node:http headers object, resets as RFC 3339 times', () => {
    const reset = new Date(NOW + 42_000).toISOString();
    const r = rateLimitsFromHeaders({
      'anthropic-ratelimit-requests-remaining': '9', 'anthropic-ratelimit-output-tokens-remaining': '77', 'anthropic-ratelimit-output-tokens-reset': reset, 'retry-after': ['3'],
    }, true, NOW);
    expect(r).toEqual({ rateLimits: { requestsRemaining: 9, outputTokensRemaining: 77, outputTokensResetSeconds: 42 }, retryAfterMs: 3000 });
  });

  it('reads a family only when its requests-remaining header is there (one look for answers without any)', () => {
    // Both providers send every header of their family on every answer; a lone one is not read.
    expect(rateLimitsFromHeaders({ 'anthropic-ratelimit-output-tokens-remaining': '77' }, true, NOW).rateLimits).toBeUndefined();
    // The wire capture's pairs are all read.
    expect(rateLimitsFromPairs([['anthropic-ratelimit-output-tokens-remaining', '77']], NOW).rateLimits).toEqual({ outputTokensRemaining: 77 });
  });

  it.each([
    ['1h2m3.5s', 3723.5], ['6m0s', 360], ['20ms', 0.02], ['1m30.5s', 90.5], ['0s', 0], [' 7s ', 7],
    ['1s2m', undefined], ['5x', undefined], ['s', undefined], ['', undefined], ['1.2.3s', undefined],
  ])('reads the OpenAI reset %j as %j seconds', (value, seconds) => {
    const r = rateLimitsFromPairs([['x-ratelimit-reset-tokens', value]], NOW);
    expect(r.rateLimits?.tokensResetSeconds).toBe(seconds);
  });

  it('gives nothing (not 0) without headers', () => {
    expect(rateLimitsFromHeaders(new Headers({ 'content-type': 'application/json' }), true, NOW)).toEqual({ rateLimits: undefined, retryAfterMs: undefined });
    expect(rateLimitsFromHeaders(undefined)).toEqual({ rateLimits: undefined, retryAfterMs: undefined });
  });

  it.each([
    ['a word', 'x-ratelimit-remaining-requests', 'lots'],
    ['a negative count', 'x-ratelimit-remaining-requests', '-1'],
    ['a fraction', 'x-ratelimit-limit-tokens', '1.5'],
    ['a count past 2^32', 'x-ratelimit-limit-tokens', '4294967296'],
    ['a reset that is no duration', 'x-ratelimit-reset-requests', 'soon'],
    ['a reset in the past', 'anthropic-ratelimit-requests-reset', '2026-12-06T11:00:00Z'],
    ['a reset past a day', 'anthropic-ratelimit-requests-reset', '2026-12-09T12:00:00Z'],
  ])('leaves out %s', (_name, header, value) => {
    expect(rateLimitsFromPairs([[header, value], ['x-ratelimit-limit-requests', '10']], NOW)).toEqual({ rateLimits: { requestsLimit: 10 }, retryAfterMs: undefined });
  });
});

describe('retry-after', () => {
  it('takes seconds and HTTP dates, and retry-after-ms before either', () => {
    expect(retryAfterMs('20', NOW)).toBe(20_000);
    expect(retryAfterMs('Sun, 06 Dec 2026 12:01:00 GMT', NOW)).toBe(60_000);
    expect(rateLimitsFromPairs([['retry-after', '20'], ['retry-after-ms', '1500']], NOW).retryAfterMs).toBe(1500);
    expect(rateLimitsFromPairs([['Retry-After-Ms', '1500'], ['retry-after', '20']], NOW).retryAfterMs).toBe(1500);
  });

  it.each([
    ['a date in the past', 'Sun, 06 Dec 2026 11:00:00 GMT'],
    ['an absurd delay', '999999999'],
    ['a negative delay', '-5'],
    ['no number nor date', 'later'],
  ])('ignores %s', (_name, value) => {
    expect(retryAfterMs(value, NOW)).toBeUndefined();
    expect(rateLimitsFromPairs([['retry-after', value]], NOW).retryAfterMs).toBeUndefined();
  });
});

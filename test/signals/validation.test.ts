// Issue 32's fields on recordChatSpan: bad values refused with a TypeError / RangeError naming the
// field and the value, writing nothing, like the other fields; good ones read back from the record.
import { describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { expectThrows } from '../helpers.js';

const chat = { provider: 'openai', model: 'gpt-4o', latencyMs: 900, inputTokens: 100, outputTokens: 10 };
const stream = { ...chat, operation: 'stream' as const };
// A hit answers from the gateway's cache: no tokens of its own.
const hit = { provider: 'openai', model: 'gpt-4o', latencyMs: 2, cacheHit: 'exact' as const };

describe('validation of the signal fields', () => {
  const t = new RactoTracer({ inMemory: true });
  it.each([
    ['negative saved input', { ...hit, savedInputTokens: -1 }, RangeError, 'call.savedInputTokens must be an integer between 0 and 4294967295 (received -1)'],
    ['fractional saved output', { ...hit, savedOutputTokens: 2.5 }, RangeError, 'call.savedOutputTokens must be an integer between 0 and 4294967295 (received 2.5)'],
    ['string saved input', { ...hit, savedInputTokens: '5' }, TypeError, 'call.savedInputTokens must be an integer (received "5")'],
    ['saved usage on a miss', { ...chat, savedInputTokens: 5 }, RangeError, "call.savedInputTokens must be given only when call.cacheHit is 'exact' or 'semantic' (received 5)"],
    ['negative retry-after', { ...chat, retryAfterMs: -5 }, RangeError, 'call.retryAfterMs must be a finite number >= 0 (received -5)'],
    ['absurd retry-after', { ...chat, retryAfterMs: 86_400_001 }, RangeError, 'call.retryAfterMs must be at most 86400000 (a day) (received 86400001)'],
    ['retry-after as a string', { ...chat, retryAfterMs: '7' }, TypeError, 'call.retryAfterMs must be a number of milliseconds (received "7")'],
    ['rate limits not an object', { ...chat, rateLimits: 5 }, TypeError, 'call.rateLimits must be an object of rate-limit values (received 5)'],
    ['fractional remaining', { ...chat, rateLimits: { requestsRemaining: 1.5 } }, RangeError, 'call.rateLimits.requestsRemaining must be an integer between 0 and 4294967295 (received 1.5)'],
    ['negative limit', { ...chat, rateLimits: { tokensLimit: -1 } }, RangeError, 'call.rateLimits.tokensLimit must be an integer between 0 and 4294967295 (received -1)'],
    ['reset past a day', { ...chat, rateLimits: { inputTokensResetSeconds: 90_000 } }, RangeError, 'call.rateLimits.inputTokensResetSeconds must be at most 86400 seconds (received 90000)'],
    ['unknown rate-limit key', { ...chat, rateLimits: { requests: 5 } }, RangeError, 'call.rateLimits key must be one of requestsRemaining, requestsLimit, requestsResetSeconds, tokensRemaining, tokensLimit, tokensResetSeconds, inputTokensRemaining, inputTokensLimit, inputTokensResetSeconds, outputTokensRemaining, outputTokensLimit, outputTokensResetSeconds (received "requests")'],
    ['chunk timing on a chat', { ...chat, chunkTiming: { chunks: 3, afterFirstMs: 10, maxGapMs: 6 } }, RangeError,
      "call.chunkTiming must be given only when call.operation is 'stream' (received an object)"],
    ['zero chunks', { ...stream, chunkTiming: { chunks: 0, afterFirstMs: 0, maxGapMs: 0 } }, RangeError, 'call.chunkTiming.chunks must be an integer between 1 and 4294967295 (received 0)'],
    ['NaN time after the first chunk', { ...stream, chunkTiming: { chunks: 3, afterFirstMs: Number.NaN, maxGapMs: 0 } }, RangeError,
      'call.chunkTiming.afterFirstMs must be a finite number >= 0 (received NaN)'],
    ['largest gap past the total', { ...stream, chunkTiming: { chunks: 3, afterFirstMs: 10, maxGapMs: 11 } }, RangeError,
      'call.chunkTiming.maxGapMs must be at most call.chunkTiming.afterFirstMs (10) (received 11)'],
    ['time after a single chunk', { ...stream, chunkTiming: { chunks: 1, afterFirstMs: 5, maxGapMs: 0 } }, RangeError, 'call.chunkTiming.afterFirstMs must be 0 for a single chunk (received 5)'],
  ])('refuses %s, writing nothing', (_name, call, Type, message) => {
    const before = t.stats().recorded;
    expectThrows(() => t.recordChatSpan(call as never), Type, message);
    expect(t.stats().recorded).toBe(before);
    expect(t.spans).toHaveLength(0);
  });

  it('reads back what it was given, and nothing for a call without signals', async () => {
    const r = new RactoTracer({ inMemory: true });
    r.recordChatSpan({ ...stream, rateLimits: { requestsRemaining: 0, tokensLimit: 30_000_000, outputTokensResetSeconds: 1.5 }, retryAfterMs: 7000,
      chunkTiming: { chunks: 11, afterFirstMs: 500, maxGapMs: 120 } });
    r.recordChatSpan({ ...hit, savedInputTokens: 0, savedOutputTokens: 9 });
    r.recordChatSpan(chat);
    await r.flush();
    const [a, b, c] = r.spans;
    expect(a.signals).toEqual({ savedInputTokens: 0, savedOutputTokens: 0, rateLimits: { requestsRemaining: 0, tokensLimit: 30_000_000, outputTokensResetSeconds: 1.5 },
      retryAfterMs: 7000, chunkTiming: { chunks: 11, afterFirstMs: 500, maxGapMs: 120 } });
    expect(b.signals).toMatchObject({ savedInputTokens: 0, savedOutputTokens: 9, rateLimits: null, retryAfterMs: null, chunkTiming: null });
    expect(b.costSavedUsd).toBeGreaterThan(0);
    expect(b.costUsd).toBe(0);
    expect(c.signals).toBeNull();
    expect(c.costSavedUsd).toBeNull();
    await r.shutdown();
  });
});

// The original's in-memory, cost and record behaviours, ported, plus what the port adds.
import { describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';

const chat = { provider: 'openai', model: 'gpt-4o', latencyMs: 120.5 };

describe('RactoTracer in-memory mode', () => {
  it('holds the record in tracer.spans right after recordChatSpan returns', () => {
    const t = new RactoTracer({ inMemory: true });
    expect(t.recordChatSpan({ ...chat, inputTokens: 10, outputTokens: 5 })).toBe(true);
    expect(t.spans).toHaveLength(1);
    expect(t.spans[0]).toMatchObject({ name: 'llm.chat', provider: 'openai', model: 'gpt-4o', operation: 'chat', inputTokens: 10, outputTokens: 5 });
  });

  it('records every field of a chat call', () => {
    const t = new RactoTracer({ inMemory: true });
    const before = performance.timeOrigin + performance.now();
    t.recordChatSpan({ provider: 'anthropic', model: 'claude-sonnet-4-6', latencyMs: 1234.5678, inputTokens: 1000, outputTokens: 2000,
      cacheHit: 'semantic', toolCalls: 3, status: 'error', errorType: 'RateLimitError' });
    const after = performance.timeOrigin + performance.now();
    const [r] = t.spans;
    expect(r).toEqual({
      name: 'llm.chat', provider: 'anthropic', model: 'claude-sonnet-4-6', operation: 'chat', latencyMs: 1234.57,
      inputTokens: 1000, outputTokens: 2000, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0,
      timeToFirstTokenMs: null, costUsd: 0.033, priceSource: 'genai-prices', cacheHit: 'semantic', toolCalls: 3, status: 'error',
      errorType: 'RateLimitError', attributes: {}, timestamp: r.timestamp,
      responseModel: null, responseId: null, finishReasons: [], serverAddress: null, serverPort: null, content: null, costSavedUsd: null, signals: null,
    });
    expect(r.timestamp).toBeGreaterThanOrEqual(before);
    expect(r.timestamp).toBeLessThanOrEqual(after);
  });

  it('records an embedding call as llm.embed, priced on its input tokens', () => {
    const t = new RactoTracer({ inMemory: true, priceTable: { 'emb': { inputPerMillion: 0.1, outputPerMillion: 99 } } });
    t.recordEmbedSpan({ provider: 'openai', model: 'emb', latencyMs: 8, inputTokens: 2_000_000 });
    expect(t.spans[0]).toMatchObject({ name: 'llm.embed', operation: 'embed', inputTokens: 2_000_000, outputTokens: 0, costUsd: 0.2 });
  });

  it('records a stream as operation stream (the original wrote chat)', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ ...chat, operation: 'stream' });
    expect(t.spans[0]).toMatchObject({ name: 'llm.chat', operation: 'stream' });
  });

  it('applies the defaults of the original: zero tokens, miss, no tools, ok, no error type', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan(chat);
    expect(t.spans[0]).toMatchObject({ inputTokens: 0, outputTokens: 0, cacheHit: 'miss', toolCalls: 0, status: 'ok', errorType: null, costUsd: 0 });
  });

  it('prices 1M gpt-4o input tokens at 2.50', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ ...chat, inputTokens: 1_000_000 });
    expect(t.spans[0].costUsd).toBe(2.5);
  });

  it('prices 500k/500k gpt-4o-mini at 0.375', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ ...chat, model: 'gpt-4o-mini', inputTokens: 500_000, outputTokens: 500_000 });
    expect(t.spans[0].costUsd).toBe(0.375);
  });

  it('prices an unknown model at 0', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ ...chat, model: 'mystery-1', inputTokens: 1_000_000, outputTokens: 1_000_000 });
    expect(t.spans[0].costUsd).toBe(0);
  });

  it('uses a custom price table entry: 1.0/2.0 with 1M in and 1M out costs 3.0', () => {
    const t = new RactoTracer({ inMemory: true, priceTable: { custom: { inputPerMillion: 1, outputPerMillion: 2 } } });
    t.recordChatSpan({ ...chat, model: 'custom', inputTokens: 1_000_000, outputTokens: 1_000_000 });
    expect(t.spans[0].costUsd).toBe(3);
  });

  it('rounds latency to 2 decimals and cost to 8 decimals', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ ...chat, model: 'gpt-4o-mini', latencyMs: 0.004999, inputTokens: 1, outputTokens: 1 });
    expect(t.spans[0].latencyMs).toBe(0);
    expect(t.spans[0].costUsd).toBe(0.00000075);
  });

  it('returns a snapshot: mutating it or recording more does not change an earlier snapshot', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan(chat);
    const snap = t.spans;
    snap.pop();
    t.recordChatSpan({ ...chat, model: 'second' });
    expect(snap).toHaveLength(0);
    expect(t.spans.map((s) => s.model)).toEqual(['gpt-4o', 'second']);
  });

  it('keeps spans newest last', () => {
    const t = new RactoTracer({ inMemory: true });
    for (const model of ['a', 'b', 'c']) t.recordChatSpan({ ...chat, model });
    expect(t.spans.map((s) => s.model)).toEqual(['a', 'b', 'c']);
  });

  it('empties the list on clearSpans and keeps recording after it', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan(chat);
    t.clearSpans();
    expect(t.spans).toEqual([]);
    t.recordChatSpan(chat);
    expect(t.spans).toHaveLength(1);
  });

  it('has no spans unless inMemory is set', () => {
    const t = new RactoTracer({ console: false });
    expect(t.recordChatSpan(chat)).toBe(false);
    expect(t.spans).toEqual([]);
  });

  it('rejects a negative latency and records nothing', () => {
    const t = new RactoTracer({ inMemory: true });
    expect(() => t.recordChatSpan({ ...chat, latencyMs: -1 })).toThrow(RangeError);
    expect(t.spans).toEqual([]);
    expect(t.stats().recorded).toBe(0);
  });

  it('rejects negative token counts on chat and embed calls', () => {
    const t = new RactoTracer({ inMemory: true });
    expect(() => t.recordChatSpan({ ...chat, inputTokens: -5 })).toThrow(RangeError);
    expect(() => t.recordChatSpan({ ...chat, outputTokens: -5 })).toThrow(RangeError);
    expect(() => t.recordEmbedSpan({ ...chat, inputTokens: -5 })).toThrow(RangeError);
    expect(t.spans).toEqual([]);
  });

  it('counts in-memory records as exported, so stats add up', () => {
    const t = new RactoTracer({ inMemory: true });
    for (let i = 0; i < 5; i++) t.recordChatSpan(chat);
    const s = t.stats();
    expect(s).toMatchObject({ recorded: 5, exported: 5, dropped: 0, failed: 0, pending: 0 });
    expect(s.destinations).toEqual({ inMemory: { exported: 5, failed: 0 } });
  });

  it('wraps its ring many times without a worker', () => {
    const t = new RactoTracer({ inMemory: true, ringCapacity: 64 });
    for (let i = 0; i < 1000; i++) expect(t.recordChatSpan({ ...chat, inputTokens: i })).toBe(true);
    expect(t.spans.map((s) => s.inputTokens)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('folds model names past maxStrings into one value and counts the folds', () => {
    const t = new RactoTracer({ inMemory: true, maxStrings: 16 });
    for (let i = 0; i < 40; i++) t.recordChatSpan({ ...chat, model: `m-${i}` });
    const models = t.spans.map((s) => s.model);
    // 16 ids: '' and the overflow value, 'openai', then 13 models; the other 27 fold.
    expect(new Set(models).size).toBe(14);
    expect(models.filter((m) => m === '__overflow__')).toHaveLength(40 - 13);
    expect(t.stats().stringsFolded).toBe(40 - 13);
  });

  it('returns false and counts a drop for a record after shutdown', async () => {
    const t = new RactoTracer({ inMemory: true });
    await t.shutdown();
    expect(t.recordChatSpan(chat)).toBe(false);
    expect(t.stats()).toMatchObject({ recorded: 1, dropped: 1, pending: 0, droppedByReason: { ringFull: 0, shutdown: 1 } });
    expect(t.spans).toEqual([]);
  });
});

// The GenAI additions on the in-memory path: new call fields, span names, prices found by alias
// or not at all, unpriced counts, setPriceTable, and their validation.
import { describe, expect, it } from 'vitest';
import { expectThrows } from '../helpers.js';
import { RactoTracer } from '../pkg.js';
import { genAiProvider, spanAttributes } from '../../src/spans/record.js';
import { expectedAttributes } from '../expected.js';

const chat = { provider: 'openai', model: 'gpt-4o', latencyMs: 900 };

describe('new call fields', () => {
  it('records the usage breakdown, time to first chunk and attributes, and prices cached input at its rate', () => {
    const t = new RactoTracer({ inMemory: true, attributeKeys: ['tenant', 'route'] });
    t.recordChatSpan({ ...chat, operation: 'stream', inputTokens: 10_000, outputTokens: 2_000, cachedInputTokens: 6_000,
      reasoningTokens: 500, timeToFirstTokenMs: 240, attributes: { tenant: 'acme', route: '/v1/chat' } });
    expect(t.spans[0]).toMatchObject({
      operation: 'stream', inputTokens: 10_000, outputTokens: 2_000, cachedInputTokens: 6_000, cacheWriteTokens: 0,
      reasoningTokens: 500, timeToFirstTokenMs: 240, attributes: { tenant: 'acme', route: '/v1/chat' }, priceSource: 'genai-prices',
      // gpt-4o: 4,000 x 2.5 + 6,000 x 1.25 per 1M in, 2,000 x 10 per 1M out = 0.01 + 0.0075 + 0.02
      costUsd: 0.0375,
    });
  });

  it('leaves the breakdown at zero and the time to first chunk null when not given', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan(chat);
    expect(t.spans[0]).toMatchObject({ cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, timeToFirstTokenMs: null, attributes: {} });
  });

  it('gives each record its own attributes (absent keys stay absent)', () => {
    const t = new RactoTracer({ inMemory: true, attributeKeys: ['tenant', 'route'] });
    t.recordChatSpan({ ...chat, attributes: { tenant: 'a' } });
    t.recordChatSpan(chat);
    t.recordEmbedSpan({ ...chat, model: 'text-embedding-3-small', attributes: { route: '/embed' } });
    expect(t.spans.map((s) => s.attributes)).toEqual([{ tenant: 'a' }, {}, { route: '/embed' }]);
  });
});

describe('span names', () => {
  it("uses the seed's names by default and the convention's `{operation} {model}` on request", () => {
    const seed = new RactoTracer({ inMemory: true });
    const genai = new RactoTracer({ inMemory: true, spanNames: 'genai' });
    for (const t of [seed, genai]) {
      t.recordChatSpan(chat);
      t.recordChatSpan({ ...chat, operation: 'stream' });
      t.recordEmbedSpan({ ...chat, model: 'text-embedding-3-small' });
    }
    expect(seed.spans.map((s) => s.name)).toEqual(['llm.chat', 'llm.chat', 'llm.embed']);
    expect(genai.spans.map((s) => s.name)).toEqual(['chat gpt-4o', 'chat gpt-4o', 'embeddings text-embedding-3-small']);
  });
});

describe('prices found, aliased or missing', () => {
  it('prices a dated id of a table entry, and an id with a provider path, through their aliases and says so', () => {
    const t = new RactoTracer({ inMemory: true, priceTable: { 'acme-chat': { inputPerMillion: 4, outputPerMillion: 8 } } });
    t.recordChatSpan({ ...chat, model: 'acme-chat-2025-01-01', inputTokens: 1_000_000 });
    t.recordChatSpan({ ...chat, model: 'openai/gpt-4o', inputTokens: 1_000_000 });
    t.recordChatSpan({ ...chat, model: 'gpt-4o', inputTokens: 1_000_000 });
    expect(t.spans.map((s) => [s.priceSource, s.costUsd])).toEqual([['alias', 4], ['alias', 2.5], ['genai-prices', 2.5]]);
  });

  it('never prices an unknown model silently: cost 0, source unpriced, counted per model', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ ...chat, model: 'mystery-1', inputTokens: 500 });
    t.recordChatSpan({ ...chat, model: 'mystery-1' });
    t.recordChatSpan({ ...chat, model: 'mystery-2' });
    t.recordChatSpan(chat);
    expect(t.spans.map((s) => [s.costUsd, s.priceSource])).toEqual([[0, 'unpriced'], [0, 'unpriced'], [0, 'unpriced'], [0, 'genai-prices']]);
    expect(t.stats().unpricedCalls).toEqual({ 'mystery-1': 2, 'mystery-2': 1 });
  });

  it('bounds the unpriced counts: past 256 models the rest count under __other__', () => {
    const t = new RactoTracer({ inMemory: true, maxStrings: 1024 });
    for (let i = 0; i < 300; i++) t.recordChatSpan({ ...chat, model: `unknown-${i}` });
    const u = t.stats().unpricedCalls;
    expect(Object.keys(u)).toHaveLength(257);
    expect(u.__other__).toBe(44);
    expect(u['unknown-0']).toBe(1);
  });

  it('bills reasoning tokens once, as the output they are part of', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ ...chat, model: 'o3-mini', inputTokens: 1_000_000, outputTokens: 1_000_000 });
    t.recordChatSpan({ ...chat, model: 'o3-mini', inputTokens: 1_000_000, outputTokens: 1_000_000, reasoningTokens: 800_000 });
    // o3-mini: 1.1 in + 4.4 out per 1M
    expect(t.spans.map((s) => s.costUsd)).toEqual([5.5, 5.5]);
  });

  it('prices an embedding call on its input', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordEmbedSpan({ provider: 'openai', model: 'text-embedding-3-large', latencyMs: 5, inputTokens: 2_000_000 });
    expect(t.spans[0]).toMatchObject({ costUsd: 0.26, priceSource: 'genai-prices', outputTokens: 0 });
  });

  it('bills a cache write at the write rate (Anthropic: 1.25x input)', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', latencyMs: 9, inputTokens: 1_000_000, cacheWriteTokens: 1_000_000 });
    expect(t.spans[0].costUsd).toBe(3.75);
  });

  it('keeps the prices of two tracers apart, though their string ids coincide', () => {
    const a = new RactoTracer({ inMemory: true });
    const b = new RactoTracer({ inMemory: true });
    a.recordChatSpan({ ...chat, model: 'mystery-1', inputTokens: 1_000_000 });
    b.recordChatSpan({ ...chat, model: 'gpt-4o', inputTokens: 1_000_000 });
    expect([a.spans[0].priceSource, b.spans[0].priceSource, b.spans[0].costUsd]).toEqual(['unpriced', 'genai-prices', 2.5]);
  });

  it('prices a zero-priced model of the user table at 0 as custom, not as unpriced', () => {
    const t = new RactoTracer({ inMemory: true, priceTable: { 'local-llama': { inputPerMillion: 0, outputPerMillion: 0 } } });
    t.recordChatSpan({ ...chat, model: 'local-llama', inputTokens: 1_000 });
    expect(t.spans[0]).toMatchObject({ costUsd: 0, priceSource: 'custom' });
    expect(t.stats().unpricedCalls).toEqual({});
  });

  it('applies setPriceTable() to records made after the call only', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ ...chat, model: 'new-model', inputTokens: 1_000_000 });
    t.setPriceTable({ 'new-model': { inputPerMillion: 4, outputPerMillion: 8 }, 'gpt-4o': { inputPerMillion: 5, outputPerMillion: 20 } });
    t.recordChatSpan({ ...chat, model: 'new-model', inputTokens: 1_000_000 });
    t.recordChatSpan({ ...chat, inputTokens: 1_000_000 });
    expect(t.spans.map((s) => [s.costUsd, s.priceSource])).toEqual([[0, 'unpriced'], [4, 'custom'], [5, 'custom']]);
  });

  it('refuses an invalid table in setPriceTable() and keeps the old one', () => {
    const t = new RactoTracer({ inMemory: true });
    expectThrows(() => t.setPriceTable({ x: { inputPerMillion: -1, outputPerMillion: 0 } }), RangeError,
      'setPriceTable(table)["x"].inputPerMillion must be a finite number >= 0 (received -1)');
    t.recordChatSpan({ ...chat, inputTokens: 1_000_000 });
    expect(t.spans[0].costUsd).toBe(2.5);
  });
});

describe('GenAI attributes', () => {
  it('maps the gateway provider names to the convention\'s values and passes others through', () => {
    expect(['openai', 'anthropic', 'google', 'Google', 'azure', 'bedrock', 'mistral', 'acme-llm'].map(genAiProvider))
      .toEqual(['openai', 'anthropic', 'gcp.gemini', 'gcp.gemini', 'azure.ai.openai', 'aws.bedrock', 'mistral_ai', 'acme-llm']);
  });

  it('builds exactly the attributes of the specification for a failed stream with everything set', () => {
    const t = new RactoTracer({ inMemory: true, attributeKeys: ['tenant'] });
    const call = { provider: 'anthropic', model: 'claude-sonnet-4-6', latencyMs: 1500.257, inputTokens: 9000, outputTokens: 700,
      cachedInputTokens: 5000, cacheWriteTokens: 1000, reasoningTokens: 300, timeToFirstTokenMs: 412.5, cacheHit: 'semantic' as const,
      toolCalls: 2, status: 'error' as const, errorType: 'OverloadedError', operation: 'stream' as const, attributes: { tenant: 'acme' } };
    t.recordChatSpan(call);
    expect(spanAttributes(t.spans[0])).toEqual(expectedAttributes({ ...call, kind: 'stream' }));
  });

  it("writes error.type '_OTHER' on a failed call without an error type", () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ ...chat, status: 'error' });
    expect(spanAttributes(t.spans[0])['error.type']).toBe('_OTHER');
  });
});

describe('validation of the new fields', () => {
  const t = new RactoTracer({ inMemory: true, attributeKeys: ['tenant'] });
  it.each([
    ['cached + written past the input', { ...chat, inputTokens: 100, cachedInputTokens: 80, cacheWriteTokens: 30 }, RangeError,
      'call.cachedInputTokens + call.cacheWriteTokens must be at most call.inputTokens (100) (received 110)'],
    ['reasoning past the output', { ...chat, outputTokens: 10, reasoningTokens: 11 }, RangeError, 'call.reasoningTokens must be at most call.outputTokens (10) (received 11)'],
    ['fractional cached tokens', { ...chat, inputTokens: 10, cachedInputTokens: 1.5 }, RangeError, 'call.cachedInputTokens must be an integer between 0 and 4294967295 (received 1.5)'],
    ['string cache writes', { ...chat, cacheWriteTokens: '5' }, TypeError, 'call.cacheWriteTokens must be an integer (received "5")'],
    ['time to first chunk on a chat', { ...chat, timeToFirstTokenMs: 5 }, RangeError, "call.timeToFirstTokenMs must be given only when call.operation is 'stream' (received 5)"],
    ['time to first chunk past the latency', { ...chat, operation: 'stream', timeToFirstTokenMs: 901 }, RangeError, 'call.timeToFirstTokenMs must be at most call.latencyMs (900) (received 901)'],
    ['NaN time to first chunk', { ...chat, operation: 'stream', timeToFirstTokenMs: Number.NaN }, RangeError, 'call.timeToFirstTokenMs must be a finite number >= 0 (received NaN)'],
    ['attributes not an object', { ...chat, attributes: 'acme' }, TypeError, 'call.attributes must be an object of strings keyed by attributeKeys (received "acme")'],
    ['unknown attribute key', { ...chat, attributes: { user: 'u1' } }, RangeError, `call.attributes key must be one of the attributeKeys: 'tenant' (received "user")`],
    ['empty attribute value', { ...chat, attributes: { tenant: '' } }, RangeError, 'call.attributes.tenant must be a string of 1 to 256 characters (received "")'],
    ['numeric attribute value', { ...chat, attributes: { tenant: 7 } }, TypeError, 'call.attributes.tenant must be a non-empty string (received 7)'],
    ['parent not an object', { ...chat, parent: 'abc' }, TypeError, 'call.parent must be a SpanContext ({ traceId, spanId, traceFlags }) or null (received "abc")'],
    ['parent with a short trace id', { ...chat, parent: { traceId: 'abc', spanId: '0123456789abcdef', traceFlags: 1 } }, RangeError,
      'call.parent.traceId must be 32 lower-case hex digits, not all zero (received "abc")'],
    ['parent with a zero span id', { ...chat, parent: { traceId: '0123456789abcdef0123456789abcdef', spanId: '0000000000000000', traceFlags: 1 } }, RangeError,
      'call.parent.spanId must be 16 lower-case hex digits, not all zero (received "0000000000000000")'],
    ['parent with flags past 255', { ...chat, parent: { traceId: '0123456789abcdef0123456789abcdef', spanId: '0123456789abcdef', traceFlags: 256 } }, RangeError,
      'call.parent.traceFlags must be an integer between 0 and 255 (received 256)'],
  ])('rejects %s, writing nothing', (_label, call, Type, message) => {
    const before = t.stats().recorded;
    expectThrows(() => t.recordChatSpan(call as never), Type, message);
    expect(t.stats().recorded).toBe(before);
    expect(t.spans).toEqual([]);
  });

  it('refuses attributes on a tracer without attributeKeys', () => {
    const plain = new RactoTracer({ inMemory: true });
    expectThrows(() => plain.recordChatSpan({ ...chat, attributes: { tenant: 'a' } }), RangeError,
      'call.attributes key must be one of the attributeKeys: none (no attributeKeys option) (received "tenant")');
  });

  it.each([
    ['five keys', ['a', 'b', 'c', 'd', 'e'], RangeError, 'options.attributeKeys must be at most 4 names (received 5)'],
    ['a reserved key', ['gen_ai.user'], RangeError, `options.attributeKeys[0] must be a name outside 'llm.*', 'gen_ai.*' and 'error.type', which the tracer writes (received "gen_ai.user")`],
    ['a duplicate', ['tenant', 'tenant'], RangeError, 'options.attributeKeys[1] must be a name not given twice (received "tenant")'],
    ['not an array', 'tenant', TypeError, 'options.attributeKeys must be an array of attribute names (received "tenant")'],
  ])('refuses attributeKeys with %s', (_label, attributeKeys, Type, message) => {
    expectThrows(() => new RactoTracer({ inMemory: true, attributeKeys: attributeKeys as never }), Type, message, 'RACTO_ERR_INVALID_OPTION');
  });

  it('refuses an unknown spanNames', () => {
    expectThrows(() => new RactoTracer({ inMemory: true, spanNames: 'otel' as never }), RangeError,
      `options.spanNames must be 'seed' or 'genai' (received "otel")`, 'RACTO_ERR_INVALID_OPTION');
  });
});

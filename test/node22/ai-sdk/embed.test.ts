// embed and embedMany through the real AI SDK and @ai-sdk/openai: one embed span per model call,
// each chunk of an embedMany its own, the AI SDK's retries of a chunk inside its span.
import { embed, embedMany } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fakeOpenAI from '../../instrument/fakes/openai.js';
import { startFakeProvider, type FakeProvider } from '../../instrument/fakes/server.js';
import { onlySpan, providers, recorded, spansOf } from './helpers.js';

let server: FakeProvider;
beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());

// fakes/openai.ts counts 8 prompt tokens per input; @ai-sdk/openai sends at most 2048 inputs a call.
const TOKENS_PER_VALUE = 8;
const PER_CALL = 2048;
const values = (n: number, tag = 'v'): string[] => Array.from({ length: n }, (_, i) => `${tag}${i}`);
const retryAfter = { 'retry-after-ms': '1' };

describe('embed', () => {
  it('records one embed span with the model and the tokens', async () => {
    const { tracer, telemetry } = recorded();
    server.answer((body) => fakeOpenAI.embeddings(body));
    const { embedding } = await embed({ model: providers(server).openai.embedding('text-embedding-3-small'), value: 'hello', telemetry });
    expect(embedding).toEqual(fakeOpenAI.EMBEDDING);
    expect(onlySpan(tracer)).toMatchObject({ provider: 'openai', model: fakeOpenAI.EMBED_MODEL, operation: 'embed', status: 'ok',
      inputTokens: TOKENS_PER_VALUE, outputTokens: 0 });
  });

  it('records a call the AI SDK retried after a 429 as one span, from the first attempt to the answer', async () => {
    const { tracer, telemetry } = recorded();
    let refusedAt = 0;
    server.answer(() => ((refusedAt = performance.now()), fakeOpenAI.error(429, retryAfter)), (body) => fakeOpenAI.embeddings(body));
    await embed({ model: providers(server).openai.embedding('text-embedding-3-small'), value: 'hello', telemetry });
    const span = onlySpan(tracer);
    expect(span).toMatchObject({ status: 'ok', inputTokens: TOKENS_PER_VALUE });
    // The span starts before the first, refused request reached the server, not at the retry.
    const start = span.timestamp - performance.timeOrigin - span.latencyMs;
    expect(refusedAt).toBeGreaterThan(0);
    expect(start).toBeLessThan(refusedAt);
  });

  it('records a refused call as an error with the AI SDK error class', async () => {
    const { tracer, telemetry } = recorded();
    server.answer(fakeOpenAI.error(400));
    const failure = await embed({ model: providers(server).openai.embedding('text-embedding-3-small'), value: 'hello', telemetry }).catch((e) => e);
    expect(failure.constructor.name).toBe('APICallError');
    expect(onlySpan(tracer)).toMatchObject({ operation: 'embed', status: 'error', errorType: 'APICallError', inputTokens: 0 });
  });

  it('records a call whose retries all fail as one error span', async () => {
    const { tracer, telemetry } = recorded();
    server.answer(fakeOpenAI.error(500, retryAfter), fakeOpenAI.error(500, retryAfter), fakeOpenAI.error(500, retryAfter));
    const failure = await embed({ model: providers(server).openai.embedding('text-embedding-3-small'), value: 'hello', telemetry, maxRetries: 2 }).catch((e) => e);
    expect(failure.constructor.name).toBe('RetryError');
    expect(onlySpan(tracer)).toMatchObject({ status: 'error', errorType: 'APICallError' });
  });
});

describe('embedMany', () => {
  it('records each chunk the AI SDK sends as its own call', async () => {
    const { tracer, telemetry } = recorded();
    server.answer((body) => fakeOpenAI.embeddings(body), (body) => fakeOpenAI.embeddings(body));
    const n = PER_CALL + 952;
    const { embeddings } = await embedMany({ model: providers(server).openai.embedding('text-embedding-3-small'), values: values(n), telemetry });
    expect(embeddings).toHaveLength(n);
    const spans = await spansOf(tracer, 2);
    expect(spans.map((s) => s.inputTokens).sort((a, b) => a - b)).toEqual([952 * TOKENS_PER_VALUE, PER_CALL * TOKENS_PER_VALUE]);
    expect(spans.every((s) => s.operation === 'embed' && s.status === 'ok' && s.model === fakeOpenAI.EMBED_MODEL)).toBe(true);
  });

  it('folds a retried chunk into one span while the other chunks keep theirs', async () => {
    const { tracer, telemetry } = recorded();
    // The chunks go out in parallel: the first request to arrive is refused, whichever chunk it is.
    server.answer(fakeOpenAI.error(429, retryAfter), (body) => fakeOpenAI.embeddings(body), (body) => fakeOpenAI.embeddings(body));
    const first = server.requests.length;
    await embedMany({ model: providers(server).openai.embedding('text-embedding-3-small'), values: values(PER_CALL + 10), telemetry });
    expect(server.requests.length - first).toBe(3);
    const spans = await spansOf(tracer, 2);
    expect(spans.map((s) => s.inputTokens).sort((a, b) => a - b)).toEqual([10 * TOKENS_PER_VALUE, PER_CALL * TOKENS_PER_VALUE]);
    expect(spans.every((s) => s.status === 'ok')).toBe(true);
  });

  it('records one error span per chunk left unanswered when the operation fails', async () => {
    const { tracer, telemetry } = recorded();
    server.answer(fakeOpenAI.error(400), fakeOpenAI.error(400));
    const failure = await embedMany({ model: providers(server).openai.embedding('text-embedding-3-small'), values: values(PER_CALL + 10), telemetry, maxRetries: 0 })
      .catch((e) => e);
    expect(failure.constructor.name).toBe('APICallError');
    const spans = await spansOf(tracer, 2);
    expect(spans.map((s) => [s.status, s.errorType])).toEqual([['error', 'APICallError'], ['error', 'APICallError']]);
  });

  it('records every chunk when the call hides its inputs (recordInputs: false)', async () => {
    const { tracer, telemetry } = recorded();
    server.answer((body) => fakeOpenAI.embeddings(body), (body) => fakeOpenAI.embeddings(body));
    await embedMany({ model: providers(server).openai.embedding('text-embedding-3-small'), values: values(PER_CALL + 10),
      telemetry: { ...telemetry, recordInputs: false } });
    const spans = await spansOf(tracer, 2);
    expect(spans.map((s) => s.inputTokens).sort((a, b) => a - b)).toEqual([10 * TOKENS_PER_VALUE, PER_CALL * TOKENS_PER_VALUE]);
  });
});

// instrumentGoogleGenAI with the real `@google/genai` client against a fake Gemini API server.
import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as fake from './fakes/google.js';
import { refusedUrl, startFakeProvider, type FakeProvider } from './fakes/server.js';
import { expectTiming, instrumentGoogleGenAI, memoryTracer, onlySpan, spansOf } from './helpers.js';
import type { RactoTracer } from '../pkg.js';

let server: FakeProvider;
let tracer: RactoTracer;
let client: GoogleGenAI;

beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  tracer = memoryTracer(['tenant']);
  client = instrumentGoogleGenAI(new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: server.url } }), tracer, {
    attributes: (req) => req.config?.labels,
  });
});

const params = { model: 'gemini-2.5-flash', contents: 'hi' };
// The Gemini API version in the path is the SDK's default: v1beta up to @google/genai 2.x, v1 from 3.x.
const API = '/v1(?:beta)?';
// Gemini's candidatesTokenCount leaves out the thinking tokens; the span's output counts both.
const OUTPUT = fake.USAGE.candidatesTokenCount + fake.USAGE.thoughtsTokenCount;

describe('models.generateContent', () => {
  it('records a plain call with cached and thinking tokens, and returns the response unchanged', async () => {
    server.answer(fake.generateContent());
    const before = performance.now();
    const res = await client.models.generateContent({ ...params, config: { labels: { tenant: 'acme' } } });
    const after = performance.now();
    expect(res.text).toBe('Hello from the fake.');
    expect(res.usageMetadata).toEqual(fake.USAGE);
    expect(server.requests[0]!.path).toMatch(new RegExp(`^${API}/models/gemini-2\\.5-flash:generateContent$`));
    const s = onlySpan(tracer);
    expect(s).toMatchObject({
      provider: 'google', model: 'gemini-2.5-flash', responseModel: fake.MODEL_VERSION, operation: 'chat', status: 'ok', errorType: null,
      inputTokens: 1200, cachedInputTokens: 1000, outputTokens: OUTPUT, reasoningTokens: 100, toolCalls: 0, attributes: { tenant: 'acme' },
    });
    expectTiming(s, before, after);
  });

  it('counts function calls', async () => {
    server.answer(fake.generateContent({ tools: true }));
    const res = await client.models.generateContent(params);
    expect(res.functionCalls).toHaveLength(2);
    expect(onlySpan(tracer)).toMatchObject({ toolCalls: 2, attributes: {} });
  });

  it.each([429, 500])('records an HTTP %i as ApiError and rethrows it', async (status) => {
    server.answer(fake.error(status));
    const err = await client.models.generateContent(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(status);
    expect(onlySpan(tracer)).toMatchObject({ status: 'error', errorType: 'ApiError', model: 'gemini-2.5-flash' });
  });

  it('records a refused connection with the fetch error’s class', async () => {
    const c = instrumentGoogleGenAI(new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: await refusedUrl() } }), tracer);
    const err = await c.models.generateContent(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(onlySpan(tracer)).toMatchObject({ status: 'error', errorType: (err as Error).constructor.name });
  });

  it('records a call aborted through config.abortSignal as cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(client.models.generateContent({ ...params, config: { abortSignal: ac.signal } })).rejects.toThrow();
    expect(onlySpan(tracer)).toMatchObject({ status: 'error', errorType: 'cancelled' });
  });
});

describe('models.generateContentStream', () => {
  it('records the stream from its last usageMetadata, every chunk passed on', async () => {
    server.answer(fake.streamGenerateContent({ tools: true }));
    const stream = await client.models.generateContentStream(params);
    const texts = [];
    for await (const chunk of stream) texts.push((chunk.candidates?.[0]?.content?.parts ?? []).map((p) => p.text ?? '').join(''));
    expect(texts.join('')).toBe('Hello from the fake.');
    expect(server.requests[0]!.path).toMatch(new RegExp(`^${API}/models/gemini-2\\.5-flash:streamGenerateContent\\?alt=sse$`));
    const s = onlySpan(tracer);
    expect(s).toMatchObject({ operation: 'stream', model: 'gemini-2.5-flash', responseModel: fake.MODEL_VERSION, inputTokens: 1200, cachedInputTokens: 1000, outputTokens: OUTPUT,
      reasoningTokens: 100, toolCalls: 1, status: 'ok' });
    expect(s.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(s.timeToFirstTokenMs).toBeLessThanOrEqual(s.latencyMs);
  });

  it('records an abandoned stream once, as cancelled, with the usage of the chunks seen', async () => {
    server.answer(fake.streamGenerateContent({ stopAfter: 2 }));
    const stream = await client.models.generateContentStream(params);
    let n = 0;
    for await (const _ of stream) if (++n === 2) break;
    expect(onlySpan(tracer)).toMatchObject({ status: 'error', errorType: 'cancelled', inputTokens: 1200, outputTokens: 20 + 100 });
  });

  it('records a stream that fails before its first chunk', async () => {
    server.answer(fake.error(429));
    await expect(client.models.generateContentStream(params)).rejects.toBeInstanceOf(ApiError);
    expect(onlySpan(tracer)).toMatchObject({ operation: 'stream', status: 'error', errorType: 'ApiError' });
  });
});

describe('models.embedContent', () => {
  it('records an embedding call (the Gemini API reports no tokens for it)', async () => {
    server.answer((body) => fake.batchEmbedContents(body));
    const res = await client.models.embedContent({ model: 'gemini-embedding-001', contents: ['a', 'b'] });
    expect(res.embeddings).toEqual([{ values: [0.25, -0.5, 0.125] }, { values: [0.25, -0.5, 0.125] }]);
    expect(await spansOf(tracer, 1)).toMatchObject([{ operation: 'embed', provider: 'google', model: 'gemini-embedding-001', inputTokens: 0, status: 'ok' }]);
  });

  it('records a failed embedding call', async () => {
    server.answer(fake.error(500));
    await expect(client.models.embedContent({ model: 'gemini-embedding-001', contents: 'a' })).rejects.toBeInstanceOf(ApiError);
    expect(onlySpan(tracer)).toMatchObject({ operation: 'embed', status: 'error', errorType: 'ApiError' });
  });
});

// instrumentOpenAI with the real `openai` client against a fake OpenAI server on 127.0.0.1.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as fake from './fakes/openai.js';
import { refusedUrl, startFakeProvider, type FakeProvider } from './fakes/server.js';
import { expectTiming, instrumentOpenAI, memoryTracer, onlySpan, spansOf } from './helpers.js';
import type { RactoTracer } from '../pkg.js';

let server: FakeProvider;
let tracer: RactoTracer;
let client: OpenAI;

beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  tracer = memoryTracer(['tenant']);
  client = instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: `${server.url}/v1`, maxRetries: 0 }), tracer, {
    attributes: (req) => (req.user ? { tenant: req.user } : undefined),
  });
});

const messages = [{ role: 'user' as const, content: 'hi' }];

describe('chat.completions.create', () => {
  it('records a plain call with its usage breakdown, and returns the body unchanged', async () => {
    server.answer(fake.chatCompletion());
    const before = performance.now();
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, user: 'acme' });
    const after = performance.now();
    expect(res).toMatchObject(fake.chatCompletion().json as object);
    expect(res._request_id).toBe('req_chat_1');
    const s = onlySpan(tracer);
    expect(s).toMatchObject({
      provider: 'openai', model: 'gpt-4o-mini', responseModel: fake.CHAT_MODEL, operation: 'chat', status: 'ok', errorType: null,
      inputTokens: 1200, outputTokens: 300, cachedInputTokens: 1024, cacheWriteTokens: 0, reasoningTokens: 192,
      toolCalls: 0, cacheHit: 'miss', timeToFirstTokenMs: null, attributes: { tenant: 'acme' },
    });
    expectTiming(s, before, after);
    expect(server.requests[0]!.body.stream_options).toBeUndefined();
  });

  it('counts the tool calls of the answer', async () => {
    server.answer(fake.chatCompletion({ tools: true }));
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(res.choices[0]!.message.tool_calls).toHaveLength(2);
    expect(onlySpan(tracer)).toMatchObject({ toolCalls: 2, attributes: {} });
  });

  it('keeps withResponse() and asResponse() working', async () => {
    server.answer(fake.chatCompletion());
    const { data, response, request_id } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    expect(data.usage).toEqual(fake.CHAT_USAGE);
    expect(response.status).toBe(200);
    expect(request_id).toBe('req_chat_1');
    expect(onlySpan(tracer)).toMatchObject({ inputTokens: 1200, outputTokens: 300, status: 'ok' });

    server.answer(fake.chatCompletion());
    const raw = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).asResponse();
    expect(await raw.json()).toEqual(fake.chatCompletion().json);
    const spans = await spansOf(tracer, 2);
    // The body went to the caller unread: the span has the call, not its tokens.
    expect(spans[1]).toMatchObject({ model: 'gpt-4o-mini', status: 'ok', inputTokens: 0, outputTokens: 0 });
  });

  it('asks for stream usage, hides the usage chunk, and records at the end of the stream', async () => {
    server.answer((body) => fake.chatStream(body));
    const before = performance.now();
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const after = performance.now();
    expect(server.requests[0]!.body.stream_options).toEqual({ include_usage: true });
    // What the caller would have seen without usage: no usage chunk, no `usage: null` fields.
    const plain = fake.chatStream({}).sse!.filter((e) => e.data !== '[DONE]').map((e) => e.data);
    expect(chunks).toEqual(plain);
    const s = onlySpan(tracer);
    expect(s).toMatchObject({ operation: 'stream', model: 'gpt-4o-mini', responseModel: fake.CHAT_MODEL, inputTokens: 1200, outputTokens: 300, cachedInputTokens: 1024,
      reasoningTokens: 192, status: 'ok', toolCalls: 0 });
    expect(s.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(s.timeToFirstTokenMs).toBeLessThanOrEqual(s.latencyMs);
    expectTiming(s, before, after);
  });

  it('with streamUsage: false, sends the request as the caller made it and records the stream without usage', async () => {
    // A server that refuses stream_options, as some OpenAI-compatible servers do.
    server.answer((body) => (body.stream_options === undefined ? fake.chatStream(body) : fake.error(400)));
    const strict = instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: `${server.url}/v1`, maxRetries: 0 }), tracer, { streamUsage: false });
    const request = { model: 'gpt-4o-mini', messages, stream: true as const, temperature: 0.5 };
    const sent = structuredClone(request);
    const chunks = [];
    for await (const c of await strict.chat.completions.create(request)) chunks.push(c);
    expect(server.requests[0]!.body).toEqual(sent);
    expect(chunks).toEqual(fake.chatStream({}).sse!.filter((e) => e.data !== '[DONE]').map((e) => e.data));
    expect(onlySpan(tracer)).toMatchObject({ operation: 'stream', model: 'gpt-4o-mini', responseModel: fake.CHAT_MODEL, status: 'ok', inputTokens: 0, outputTokens: 0, toolCalls: 0 });
  });

  it('with the default streamUsage, the same server refuses the request it was sent', async () => {
    server.answer((body) => (body.stream_options === undefined ? fake.chatStream(body) : fake.error(400)));
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })).rejects.toThrow(OpenAI.BadRequestError);
    expect(server.requests[0]!.body.stream_options).toEqual({ include_usage: true });
    expect(onlySpan(tracer)).toMatchObject({ operation: 'stream', status: 'error', errorType: 'BadRequestError' });
  });

  it('hides usage from chunks where it is not the last field, keeping the fields and their order', async () => {
    server.answer((body) => fake.chatStream(body, { obfuscation: true }));
    const plain = instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: `${server.url}/v1`, maxRetries: 0 }), tracer);
    const chunks = [];
    for await (const c of await plain.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })) chunks.push(c);
    const expected = fake.chatStream({}, { obfuscation: true }).sse!.filter((e) => e.data !== '[DONE]').map((e) => e.data);
    expect(chunks.map((c) => JSON.stringify(c))).toEqual(expected.map((c) => JSON.stringify(c)));
    expect(Object.keys(chunks[1]!)).toEqual(['id', 'object', 'created', 'model', 'system_fingerprint', 'choices', 'obfuscation']);
    expect(onlySpan(tracer)).toMatchObject({ operation: 'stream', inputTokens: 1200, outputTokens: 300, status: 'ok' });
    expect(server.requests[0]!.body.stream_options).toEqual({ include_usage: true });
  });

  it('leaves the usage chunk to a caller who asked for it', async () => {
    server.answer((body) => fake.chatStream(body));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: fake.CHAT_USAGE });
    expect(chunks[0]).toHaveProperty('usage', null);
    expect(onlySpan(tracer)).toMatchObject({ inputTokens: 1200, outputTokens: 300 });
  });

  it('counts streamed tool calls once each, however many deltas they take', async () => {
    server.answer((body) => fake.chatStream(body, { tools: true }));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const _ of stream) void _;
    expect(onlySpan(tracer)).toMatchObject({ toolCalls: 2, operation: 'stream', status: 'ok' });
  });

  it('records a stream abandoned with break once, as cancelled with the usage so far, and closes the connection', async () => {
    server.answer((body) => fake.chatStream(body, { stopAfter: 2 }));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let n = 0;
    for await (const _ of stream) if (++n === 2) break;
    await server.requests[0]!.aborted;
    const s = onlySpan(tracer);
    expect(s).toMatchObject({ operation: 'stream', status: 'error', errorType: 'cancelled', inputTokens: 0, outputTokens: 0 });
    expect(s.timeToFirstTokenMs).not.toBeNull();
  });

  it('records a stream aborted through its controller as cancelled, once', async () => {
    server.answer((body) => fake.chatStream(body, { stopAfter: 0 }));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const seen = [];
    for await (const c of stream) {
      seen.push(c);
      stream.controller.abort();
    }
    expect(seen).toHaveLength(1);
    expect(onlySpan(tracer)).toMatchObject({ status: 'error', errorType: 'cancelled' });
  });

  it('records a call whose signal is aborted before it starts as cancelled, and rethrows APIUserAbortError', async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }, { signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ status: 'error', errorType: 'cancelled' });
  });

  it('records a stream whose request signal is aborted mid-stream as cancelled', async () => {
    server.answer((body) => fake.chatStream(body, { stopAfter: 0 }));
    const ac = new AbortController();
    const p = client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }, { signal: ac.signal });
    const stream = await p;
    const it = stream[Symbol.asyncIterator]();
    const next = it.next();
    ac.abort();
    expect(await next).toEqual({ done: true, value: undefined });
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ status: 'error', errorType: 'cancelled' });
  });

  it('records one span for a tee()d stream, and both halves see every chunk', async () => {
    server.answer((body) => fake.chatStream(body));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const [left, right] = stream.tee();
    const read = async (s: AsyncIterable<unknown>): Promise<unknown[]> => {
      const out = [];
      for await (const c of s) out.push(c);
      return out;
    };
    const [a, b] = await Promise.all([read(left), read(right)]);
    expect(a).toHaveLength(6);
    expect(b).toEqual(a);
    expect(onlySpan(tracer)).toMatchObject({ status: 'ok', inputTokens: 1200, outputTokens: 300 });
  });

  it('records a stream read through toReadableStream()', async () => {
    server.answer((body) => fake.chatStream(body));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const lines = (await new Response(stream.toReadableStream() as ReadableStream).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((c) => c.choices.length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(onlySpan(tracer)).toMatchObject({ operation: 'stream', status: 'ok', inputTokens: 1200, outputTokens: 300 });
  });

  it('records a stream whose consumer throws in its loop as cancelled, and the throw reaches the consumer', async () => {
    server.answer((body) => fake.chatStream(body, { stopAfter: 1 }));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const boom = new Error('consumer failed');
    const consume = async (): Promise<void> => {
      for await (const _ of stream) throw boom;
    };
    await expect(consume()).rejects.toBe(boom);
    expect(onlySpan(tracer)).toMatchObject({ status: 'error', errorType: 'cancelled' });
  });

  it.each([
    [429, 'RateLimitError'],
    [500, 'InternalServerError'],
  ])('records an HTTP %i as an error of the SDK’s class and rethrows the same error', async (status, type) => {
    server.answer(fake.error(status));
    const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).constructor.name).toBe(type);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ status: 'error', errorType: type, model: 'gpt-4o-mini', inputTokens: 0 });
  });

  it('records a refused connection as APIConnectionError', async () => {
    const c = instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: `${await refusedUrl()}/v1`, maxRetries: 0 }), tracer);
    await expect(c.chat.completions.create({ model: 'gpt-4o-mini', messages })).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ status: 'error', errorType: 'APIConnectionError' });
  });

  it('records one span over the SDK’s retries, ok when the last attempt succeeds', async () => {
    const c = instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: `${server.url}/v1`, maxRetries: 2 }), tracer);
    server.answer(fake.error(429, { 'retry-after-ms': '1' }), fake.error(500, { 'retry-after-ms': '1' }), fake.chatCompletion());
    const res = await c.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(res.usage).toEqual(fake.CHAT_USAGE);
    expect(server.requests).toHaveLength(3);
    expect(onlySpan(tracer)).toMatchObject({ status: 'ok', inputTokens: 1200 });
  });

  it('records one error span when the SDK’s last retry fails too', async () => {
    const c = instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: `${server.url}/v1`, maxRetries: 1 }), tracer);
    server.answer(fake.error(500, { 'retry-after-ms': '1' }), fake.error(429, { 'retry-after-ms': '1' }));
    await expect(c.chat.completions.create({ model: 'gpt-4o-mini', messages })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    expect(server.requests).toHaveLength(2);
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ status: 'error', errorType: 'RateLimitError' });
  });
});

describe('responses.create', () => {
  it('records a plain response with cached and reasoning tokens and its function calls', async () => {
    server.answer({ json: fake.responseObject() });
    const res = await client.responses.create({ model: 'gpt-4.1', input: 'hi' });
    expect(res.output_text).toBe('Hi there.');
    expect(onlySpan(tracer)).toMatchObject({ operation: 'chat', model: 'gpt-4.1', responseModel: fake.RESPONSES_MODEL, inputTokens: 2000, cachedInputTokens: 1500,
      outputTokens: 400, reasoningTokens: 256, toolCalls: 1, status: 'ok' });
  });

  it('records a streamed response from its response.completed event, every event passed on', async () => {
    server.answer(fake.responsesStream());
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'hi', stream: true });
    const types = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual(fake.RESPONSES_STREAM_EVENTS);
    const s = onlySpan(tracer);
    expect(s).toMatchObject({ operation: 'stream', model: 'gpt-4.1', responseModel: fake.RESPONSES_MODEL, inputTokens: 2000, outputTokens: 400, toolCalls: 1, status: 'ok' });
    expect(s.timeToFirstTokenMs).toBeGreaterThan(0);
  });

  it('records an abandoned streamed response as cancelled', async () => {
    server.answer(fake.responsesStream({ stopAfter: 1 }));
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'hi', stream: true });
    for await (const _ of stream) break;
    await server.requests[0]!.aborted;
    expect(onlySpan(tracer)).toMatchObject({ operation: 'stream', status: 'error', errorType: 'cancelled', model: 'gpt-4.1', responseModel: fake.RESPONSES_MODEL });
  });

  it('records a failed response call', async () => {
    server.answer(fake.error(429));
    await expect(client.responses.create({ model: 'gpt-4.1', input: 'hi' })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ status: 'error', errorType: 'RateLimitError' });
  });
});

describe('embeddings.create', () => {
  it('records an embedding call with its prompt tokens; the vectors reach the caller decoded', async () => {
    server.answer((body) => fake.embeddings(body));
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'], user: 'acme' });
    expect(res.data.map((d) => Array.from(d.embedding))).toEqual([fake.EMBEDDING, fake.EMBEDDING]);
    expect(onlySpan(tracer)).toMatchObject({ operation: 'embed', model: 'text-embedding-3-small', responseModel: fake.EMBED_MODEL, inputTokens: 16, outputTokens: 0, status: 'ok',
      attributes: { tenant: 'acme' } });
  });

  it('records a failed embedding call', async () => {
    server.answer(fake.error(500));
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'a' })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ operation: 'embed', status: 'error', errorType: 'InternalServerError' });
  });
});

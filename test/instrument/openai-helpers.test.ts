// The openai SDK's helpers built on the wrapped create() methods: chat.completions.stream(),
// chat.completions.parse() and responses.stream(). Each is recorded once, through create(), and
// keeps working (they chain _thenUnwrap on the APIPromise create() returns, which on openai 7.5x is
// the client's own and bypasses the promise's parseResponse).
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as fake from './fakes/openai.js';
import { startFakeProvider, type FakeProvider } from './fakes/server.js';
import { instrumentOpenAI, memoryTracer, onlySpan, spansOf } from './helpers.js';
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
  tracer = memoryTracer();
  client = instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: `${server.url}/v1`, maxRetries: 0 }), tracer);
});

const messages = [{ role: 'user' as const, content: 'hi' }];

describe('chat.completions.stream()', () => {
  it('records the stream once, with its usage, and its events and final completion still arrive', async () => {
    server.answer((body) => fake.chatStream(body));
    const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages });
    const deltas: string[] = [];
    stream.on('content', (delta) => deltas.push(delta));
    const final = await stream.finalChatCompletion();
    expect(deltas.join('')).toBe('Hello from the fake.');
    expect(final.choices[0]!.message.content).toBe('Hello from the fake.');
    expect(server.requests[0]!.body.stream_options).toEqual({ include_usage: true });
    expect(onlySpan(tracer)).toMatchObject({ operation: 'stream', model: 'gpt-4o-mini', responseModel: fake.CHAT_MODEL, inputTokens: 1200, outputTokens: 300,
      cachedInputTokens: 1024, reasoningTokens: 192, status: 'ok' });
  });

  it('records an aborted stream() as cancelled, once', async () => {
    server.answer((body) => fake.chatStream(body, { stopAfter: 1 }));
    const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages });
    stream.on('content', () => stream.abort());
    await expect(stream.finalChatCompletion()).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await server.requests[0]!.aborted;
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ operation: 'stream', status: 'error', errorType: 'cancelled' });
  });
});

describe('chat.completions.parse()', () => {
  it('records the call once and the parsed message reaches the caller', async () => {
    server.answer(fake.chatCompletion());
    const res = await client.chat.completions.parse({ model: 'gpt-4o-mini', messages });
    expect(res.choices[0]!.message.content).toBe('Hello from the fake.');
    expect(res.choices[0]!.message).toHaveProperty('parsed', null);
    expect(onlySpan(tracer)).toMatchObject({ operation: 'chat', model: 'gpt-4o-mini', responseModel: fake.CHAT_MODEL, inputTokens: 1200, outputTokens: 300, status: 'ok' });
  });

  it('keeps withResponse() working on parse(), the call recorded once', async () => {
    server.answer(fake.chatCompletion());
    const { data, response, request_id } = await client.chat.completions.parse({ model: 'gpt-4o-mini', messages }).withResponse();
    expect(data.choices[0]!.message).toHaveProperty('parsed', null);
    expect([response.status, request_id]).toEqual([200, 'req_chat_1']);
    expect(onlySpan(tracer)).toMatchObject({ operation: 'chat', inputTokens: 1200, outputTokens: 300, status: 'ok' });
  });

  it('records a failed parse() call with the SDK error class', async () => {
    server.answer(fake.error(429));
    await expect(client.chat.completions.parse({ model: 'gpt-4o-mini', messages })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ operation: 'chat', status: 'error', errorType: 'RateLimitError' });
  });
});

describe('responses.stream()', () => {
  it('records the stream once from response.completed, and its final response still arrives', async () => {
    server.answer(fake.responsesStream());
    const stream = client.responses.stream({ model: 'gpt-4.1', input: 'hi' });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalResponse();
    expect(types).toEqual(fake.RESPONSES_STREAM_EVENTS);
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(final.usage).toMatchObject({ input_tokens: 2000, output_tokens: 400 });
    expect(onlySpan(tracer)).toMatchObject({ operation: 'stream', model: 'gpt-4.1', responseModel: fake.RESPONSES_MODEL, inputTokens: 2000, cachedInputTokens: 1500,
      outputTokens: 400, reasoningTokens: 256, toolCalls: 1, status: 'ok' });
  });

  it('records a responses.stream() refused by the server as an error, once', async () => {
    server.answer(fake.error(500));
    const stream = client.responses.stream({ model: 'gpt-4.1', input: 'hi' });
    await expect(stream.finalResponse()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ operation: 'stream', status: 'error', errorType: 'InternalServerError' });
  });
});

// instrumentAnthropic with the real `@anthropic-ai/sdk` client against a fake Anthropic server.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as fake from './fakes/anthropic.js';
import { refusedUrl, startFakeProvider, type FakeProvider } from './fakes/server.js';
import { expectTiming, instrumentAnthropic, memoryTracer, onlySpan, spansOf } from './helpers.js';
import type { RactoTracer } from '../pkg.js';

let server: FakeProvider;
let tracer: RactoTracer;
let client: Anthropic;

beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  tracer = memoryTracer(['tenant']);
  client = instrumentAnthropic(new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 }), tracer, {
    attributes: (req) => ({ tenant: req.metadata?.user_id ?? 'anonymous' }),
  });
});

const base = { model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user' as const, content: 'hi' }] };
// uncached + cache read + cache write, the README's convention.
const INPUT = fake.USAGE.input_tokens + fake.USAGE.cache_read_input_tokens + fake.USAGE.cache_creation_input_tokens;

describe('messages.create', () => {
  it('records a plain message with all input tokens counted, and returns it unchanged', async () => {
    server.answer(fake.message());
    const before = performance.now();
    const res = await client.messages.create({ ...base, metadata: { user_id: 'acme' } });
    const after = performance.now();
    expect(res).toMatchObject(fake.message().json as object);
    const s = onlySpan(tracer);
    expect(s).toMatchObject({
      provider: 'anthropic', model: 'claude-sonnet-4-6', responseModel: fake.MODEL, operation: 'chat', status: 'ok', errorType: null,
      inputTokens: INPUT, cachedInputTokens: 1000, cacheWriteTokens: 100, outputTokens: 50, reasoningTokens: 0, toolCalls: 0,
      attributes: { tenant: 'acme' },
    });
    expectTiming(s, before, after);
  });

  it('counts tool_use blocks as tool calls', async () => {
    server.answer(fake.message({ tools: true }));
    await client.messages.create(base);
    expect(onlySpan(tracer)).toMatchObject({ toolCalls: 1, attributes: { tenant: 'anonymous' } });
  });

  it('keeps withResponse() working', async () => {
    server.answer(fake.message());
    const { data, response } = await client.messages.create(base).withResponse();
    expect(data.usage).toMatchObject(fake.USAGE);
    expect(response.headers.get('request-id')).toBe('req_anthropic_1');
    expect(onlySpan(tracer)).toMatchObject({ inputTokens: INPUT });
  });

  it('records a stream from message_start and message_delta, every event passed on', async () => {
    server.answer(fake.messageStream({ tools: true }));
    const stream = await client.messages.create({ ...base, stream: true });
    const types = [];
    for await (const e of stream) types.push(e.type);
    // The SDK itself drops `ping` events.
    expect(types).toEqual(fake.messageStream({ tools: true }).sse!.map((e) => e.event).filter((t) => t !== 'ping'));
    const s = onlySpan(tracer);
    expect(s).toMatchObject({ operation: 'stream', model: 'claude-sonnet-4-6', responseModel: fake.MODEL, inputTokens: INPUT, cachedInputTokens: 1000, cacheWriteTokens: 100,
      outputTokens: 50, toolCalls: 1, status: 'ok' });
    expect(s.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(s.timeToFirstTokenMs).toBeLessThanOrEqual(s.latencyMs);
  });

  it('records an abandoned stream once, as cancelled, with the usage of message_start', async () => {
    server.answer(fake.messageStream({ stopAfter: 1 }));
    const stream = await client.messages.create({ ...base, stream: true });
    for await (const e of stream) if (e.type === 'content_block_delta') break;
    await server.requests[0]!.aborted;
    expect(onlySpan(tracer)).toMatchObject({ status: 'error', errorType: 'cancelled', inputTokens: INPUT, outputTokens: 1 });
  });

  it.each([
    [429, 'RateLimitError'],
    [500, 'InternalServerError'],
  ])('records an HTTP %i as %s and rethrows it', async (status, type) => {
    server.answer(fake.error(status));
    const err = await client.messages.create(base).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as Error).constructor.name).toBe(type);
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ status: 'error', errorType: type, model: 'claude-sonnet-4-6' });
  });

  it('records a refused connection as APIConnectionError', async () => {
    const c = instrumentAnthropic(new Anthropic({ apiKey: 'test', baseURL: await refusedUrl(), maxRetries: 0 }), tracer);
    await expect(c.messages.create(base)).rejects.toBeInstanceOf(Anthropic.APIConnectionError);
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ status: 'error', errorType: 'APIConnectionError' });
  });
});

describe('messages.stream', () => {
  it('records the MessageStream once, through messages.create, and its helpers still work', async () => {
    server.answer(fake.messageStream());
    const stream = client.messages.stream(base);
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const final = await stream.finalMessage();
    expect(texts.join('')).toBe('Hello from the fake.');
    expect(final.usage).toMatchObject({ output_tokens: 50, cache_read_input_tokens: 1000 });
    const s = onlySpan(tracer);
    expect(s).toMatchObject({ operation: 'stream', model: 'claude-sonnet-4-6', responseModel: fake.MODEL, inputTokens: INPUT, outputTokens: 50, status: 'ok' });
  });

  it('records an aborted MessageStream as cancelled', async () => {
    server.answer(fake.messageStream({ stopAfter: 1 }));
    const stream = client.messages.stream(base);
    stream.on('text', () => stream.abort());
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
    expect((await spansOf(tracer, 1))[0]).toMatchObject({ status: 'error', errorType: 'cancelled', inputTokens: INPUT });
  });
});

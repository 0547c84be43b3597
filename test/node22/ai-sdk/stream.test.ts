// streamText and streamObject through the real AI SDK: a stream span per model call, with the
// time to its first chunk, recorded when the stream finishes, fails or is aborted.
import { jsonSchema, streamObject, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fakeAnthropic from '../../instrument/fakes/anthropic.js';
import * as fakeOpenAI from '../../instrument/fakes/openai.js';
import { startFakeProvider, type FakeProvider } from '../../instrument/fakes/server.js';
import { onlySpan, providers, recorded, settle } from './helpers.js';

let server: FakeProvider;
beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());

const { CHAT_USAGE } = fakeOpenAI;
const quiet = { onError: () => undefined };

describe('streamText', () => {
  it('records a finished stream with its usage and the time to its first chunk', async () => {
    const { tracer, telemetry } = recorded();
    server.answer((body) => fakeOpenAI.chatStream(body));
    const before = performance.now();
    const result = streamText({ model: providers(server).compatible('gpt-4o-mini'), prompt: 'hi', telemetry });
    let text = '';
    for await (const t of result.textStream) text += t;
    await settle();
    const waited = performance.now() - before;
    expect(text).toBe('Hello from the fake.');
    const span = onlySpan(tracer);
    expect(span).toMatchObject({ provider: 'lmstudio', model: 'gpt-4o-mini', responseModel: fakeOpenAI.CHAT_MODEL, operation: 'stream', status: 'ok', finishReasons: ['stop'],
      inputTokens: CHAT_USAGE.prompt_tokens, cachedInputTokens: CHAT_USAGE.prompt_tokens_details.cached_tokens,
      outputTokens: CHAT_USAGE.completion_tokens, reasoningTokens: CHAT_USAGE.completion_tokens_details.reasoning_tokens });
    expect(span.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(span.timeToFirstTokenMs!).toBeLessThanOrEqual(span.latencyMs);
    expect(span.latencyMs).toBeLessThanOrEqual(waited);
  });

  it('counts the tool calls a stream assembles', async () => {
    const { tracer, telemetry } = recorded();
    server.answer((body) => fakeOpenAI.chatStream(body, { tools: true }));
    const result = streamText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry,
      tools: { get_weather: { inputSchema: jsonSchema({ type: 'object' }) }, get_time: { inputSchema: jsonSchema({ type: 'object' }) } } });
    await result.consumeStream();
    await settle();
    expect(onlySpan(tracer)).toMatchObject({ operation: 'stream', toolCalls: 2, status: 'ok' });
  });

  it('records Anthropic streams with their cache counts', async () => {
    const { tracer, telemetry } = recorded();
    server.answer(fakeAnthropic.messageStream());
    await streamText({ model: providers(server).anthropic('claude-sonnet-4-6'), prompt: 'hi', telemetry }).consumeStream();
    await settle();
    const u = fakeAnthropic.USAGE;
    expect(onlySpan(tracer)).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-6', responseModel: fakeAnthropic.MODEL, operation: 'stream',
      inputTokens: u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens, cachedInputTokens: u.cache_read_input_tokens,
      cacheWriteTokens: u.cache_creation_input_tokens, outputTokens: u.output_tokens });
  });

  it('records a stream aborted by its abortSignal as cancelled, and the connection closes', async () => {
    const { tracer, telemetry } = recorded();
    server.answer((body) => fakeOpenAI.chatStream(body, { stopAfter: 2 }));
    const controller = new AbortController();
    const result = streamText({ model: providers(server).compatible('gpt-4o-mini'), prompt: 'hi', telemetry, abortSignal: controller.signal });
    const seen: string[] = [];
    for await (const t of result.textStream) {
      seen.push(t);
      if (seen.length === 2) controller.abort();
    }
    await server.requests.at(-1)!.aborted;
    await settle();
    expect(seen).toEqual(['Hello', ' from']);
    expect(onlySpan(tracer)).toMatchObject({ operation: 'stream', status: 'error', errorType: 'cancelled' });
  });

  it('records a stream the provider refuses with the AI SDK error class', async () => {
    const { tracer, telemetry } = recorded();
    server.answer(fakeOpenAI.error(429));
    const errors: unknown[] = [];
    await streamText({ model: providers(server).compatible('gpt-4o-mini'), prompt: 'hi', telemetry, maxRetries: 0, onError: ({ error }) => void errors.push(error) })
      .consumeStream();
    await settle();
    expect(errors.map((e) => (e as Error).constructor.name)).toEqual(['APICallError']);
    expect(onlySpan(tracer)).toMatchObject({ operation: 'stream', status: 'error', errorType: 'APICallError', outputTokens: 0 });
  });

  it('records a stream that fails midway, with an error event, as a provider error', async () => {
    const { tracer, telemetry } = recorded();
    server.answer((body) => fakeOpenAI.chatStream(body, { failAfter: 2 }));
    const result = streamText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry, ...quiet });
    const parts: string[] = [];
    for await (const p of result.fullStream) parts.push(p.type);
    await settle();
    expect(parts).toContain('error');
    expect(onlySpan(tracer)).toMatchObject({ operation: 'stream', status: 'error', errorType: 'provider_error' });
  });
});

describe('streamObject', () => {
  it('records one stream span with its time to the first chunk', async () => {
    const { tracer, telemetry } = recorded();
    server.answer((body) => fakeOpenAI.chatStream(body, { words: ['{"city":', '"Paris"}'] }));
    const result = streamObject({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'a city', telemetry,
      schema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } }) });
    for await (const _ of result.partialObjectStream) void _;
    expect(await result.object).toEqual({ city: 'Paris' });
    await settle();
    const span = onlySpan(tracer);
    expect(span).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', responseModel: fakeOpenAI.CHAT_MODEL, operation: 'stream', status: 'ok', inputTokens: CHAT_USAGE.prompt_tokens });
    expect(span.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(span.timeToFirstTokenMs!).toBeLessThanOrEqual(span.latencyMs);
  });
});

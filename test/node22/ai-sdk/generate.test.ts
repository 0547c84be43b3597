// generateText and generateObject through the real AI SDK and its providers, against a fake
// provider speaking each API's wire format: one span per model call, with the provider, the model
// that answered, the tokens as each provider counts them, the tool calls, errors and aborts.
import { generateObject, generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fakeAnthropic from '../../instrument/fakes/anthropic.js';
import * as fakeOpenAI from '../../instrument/fakes/openai.js';
import { startFakeProvider, type FakeProvider } from '../../instrument/fakes/server.js';
import { onlySpan, providers, recorded, spansOf } from './helpers.js';

let server: FakeProvider;
beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());

const { CHAT_USAGE } = fakeOpenAI;

describe('generateText', () => {
  it('records one chat span with the asked and the answered model, the response fields and the usage OpenAI reported', async () => {
    const { tracer, telemetry } = recorded();
    server.answer(fakeOpenAI.chatCompletion());
    const before = performance.now();
    const result = await generateText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry });
    const waited = performance.now() - before;
    expect(result.text).toBe('Hello from the fake.');
    const span = onlySpan(tracer);
    expect(span).toMatchObject({
      provider: 'openai', model: 'gpt-4o-mini', responseModel: fakeOpenAI.CHAT_MODEL, operation: 'chat', status: 'ok', errorType: null,
      responseId: 'chatcmpl-1', finishReasons: ['stop'], serverAddress: '127.0.0.1', serverPort: Number(new URL(server.url).port),
      inputTokens: CHAT_USAGE.prompt_tokens, cachedInputTokens: CHAT_USAGE.prompt_tokens_details.cached_tokens, cacheWriteTokens: 0,
      outputTokens: CHAT_USAGE.completion_tokens, reasoningTokens: CHAT_USAGE.completion_tokens_details.reasoning_tokens,
      toolCalls: 0, timeToFirstTokenMs: null,
    });
    expect(span.latencyMs).toBeGreaterThan(0);
    expect(span.latencyMs).toBeLessThanOrEqual(waited + 0.01);
  });

  it('records a Responses API call (openai.responses) with its cached, reasoning and function-call counts', async () => {
    const { tracer, telemetry } = recorded();
    server.answer({ json: fakeOpenAI.responseObject() });
    await generateText({ model: providers(server).openai('gpt-4.1'), prompt: 'hi', telemetry });
    // fakes/openai.ts: input 2000 (1500 cached), output 400 (256 reasoning), one function call.
    expect(onlySpan(tracer)).toMatchObject({ provider: 'openai', model: 'gpt-4.1', responseModel: fakeOpenAI.RESPONSES_MODEL, inputTokens: 2000, cachedInputTokens: 1500,
      outputTokens: 400, reasoningTokens: 256, toolCalls: 1 });
  });

  it('counts Anthropic cache reads and writes inside the input tokens', async () => {
    const { tracer, telemetry } = recorded();
    server.answer(fakeAnthropic.message());
    await generateText({ model: providers(server).anthropic('claude-sonnet-4-6'), prompt: 'hi', telemetry });
    const u = fakeAnthropic.USAGE;
    expect(onlySpan(tracer)).toMatchObject({
      provider: 'anthropic', model: 'claude-sonnet-4-6', responseModel: fakeAnthropic.MODEL, operation: 'chat',
      inputTokens: u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens,
      cachedInputTokens: u.cache_read_input_tokens, cacheWriteTokens: u.cache_creation_input_tokens, outputTokens: u.output_tokens,
    });
  });

  it('records each step of a multi-step generation with tools as its own call', async () => {
    const { tracer, telemetry } = recorded();
    const executed: string[] = [];
    server.answer(fakeOpenAI.chatCompletion({ tools: true }), fakeOpenAI.chatCompletion());
    const result = await generateText({
      model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'weather and time in Paris?', telemetry, stopWhen: stepCountIs(3),
      tools: {
        get_weather: tool({ inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } }), execute: async () => (executed.push('weather'), 'sunny') }),
        get_time: tool({ inputSchema: jsonSchema<{ tz: string }>({ type: 'object', properties: { tz: { type: 'string' } } }), execute: async () => (executed.push('time'), 'noon') }),
      },
    });
    expect(result.steps).toHaveLength(2);
    expect(executed.sort()).toEqual(['time', 'weather']);
    const spans = await spansOf(tracer, 2);
    expect(spans.map((s) => [s.operation, s.toolCalls, s.inputTokens, s.status])).toEqual([
      ['chat', 2, CHAT_USAGE.prompt_tokens, 'ok'], ['chat', 0, CHAT_USAGE.prompt_tokens, 'ok'],
    ]);
    // Each span is its model call alone, without the tool execution between the two.
    const [first, second] = spans;
    expect(second.timestamp - second.latencyMs).toBeGreaterThanOrEqual(first.timestamp - 0.01);
  });

  it('records a provider error with the AI SDK error class, and the error reaches the caller', async () => {
    const { tracer, telemetry } = recorded();
    server.answer(fakeOpenAI.error(400));
    const failure = await generateText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry, maxRetries: 0 }).catch((e) => e);
    expect(failure.constructor.name).toBe('APICallError');
    expect(failure.statusCode).toBe(400);
    expect(onlySpan(tracer)).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', status: 'error', errorType: 'APICallError', inputTokens: 0 });
  });

  it('records the AI SDK retries as one call, named by the last attempt\'s error when they all fail', async () => {
    const { tracer, telemetry } = recorded();
    const before = server.requests.length;
    server.answer(fakeOpenAI.error(500, { 'retry-after-ms': '1' }), fakeOpenAI.error(500, { 'retry-after-ms': '1' }));
    const failure = await generateText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry, maxRetries: 1 }).catch((e) => e);
    expect(failure.constructor.name).toBe('RetryError');
    expect(server.requests.length - before).toBe(2);
    expect(onlySpan(tracer)).toMatchObject({ status: 'error', errorType: 'APICallError' });

    tracer.clearSpans();
    server.answer(fakeOpenAI.error(429, { 'retry-after-ms': '1' }), fakeOpenAI.chatCompletion());
    await generateText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry, maxRetries: 1 });
    expect(onlySpan(tracer)).toMatchObject({ status: 'ok', inputTokens: CHAT_USAGE.prompt_tokens });
  });

  it('records a call aborted by its abortSignal as cancelled', async () => {
    const { tracer, telemetry } = recorded();
    server.answer({ sse: [], hold: true });
    const controller = new AbortController();
    const call = generateText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry, abortSignal: controller.signal });
    const request = await waitForRequest(server);
    controller.abort();
    expect((await call.catch((e) => e)).name).toBe('AbortError');
    await request.aborted;
    expect(onlySpan(tracer)).toMatchObject({ status: 'error', errorType: 'cancelled' });
  });

  it('records a call that outlives the timeout option by the error\'s name, TimeoutError', async () => {
    const { tracer, telemetry } = recorded();
    server.answer({ sse: [], hold: true });
    const failure = await generateText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry, timeout: 50, maxRetries: 0 })
      .catch((e) => e);
    expect(failure.name).toBe('TimeoutError');
    expect(onlySpan(tracer)).toMatchObject({ status: 'error', errorType: 'TimeoutError' });
  });
});

describe('generateObject', () => {
  it('records one chat span with the asked and the answered model, the response id and the usage', async () => {
    const { tracer, telemetry } = recorded();
    server.answer(fakeOpenAI.chatCompletion({ content: '{"city":"Paris"}' }));
    const { object } = await generateObject({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'a city', telemetry,
      schema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }) });
    expect(object).toEqual({ city: 'Paris' });
    expect(onlySpan(tracer)).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', responseModel: fakeOpenAI.CHAT_MODEL, responseId: 'chatcmpl-1', operation: 'chat', status: 'ok',
      inputTokens: CHAT_USAGE.prompt_tokens, outputTokens: CHAT_USAGE.completion_tokens, reasoningTokens: CHAT_USAGE.completion_tokens_details.reasoning_tokens });
  });

  it('records a failed object generation with its error class', async () => {
    const { tracer, telemetry } = recorded();
    server.answer(fakeOpenAI.error(400));
    await generateObject({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'a city', telemetry, maxRetries: 0,
      schema: jsonSchema({ type: 'object', properties: { city: { type: 'string' } } }) }).catch(() => undefined);
    expect(onlySpan(tracer)).toMatchObject({ operation: 'chat', status: 'error', errorType: 'APICallError' });
  });
});

/** The next request the fake provider receives. */
async function waitForRequest(s: FakeProvider) {
  const n = s.requests.length;
  for (let i = 0; i < 400 && s.requests.length === n; i++) await new Promise((r) => setTimeout(r, 5));
  return s.requests[n]!;
}

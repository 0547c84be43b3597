// Issue 32, rate-limit headroom and time between chunks: the real `openai` and `@anthropic-ai/sdk`
// clients, wrapped, against fake providers on 127.0.0.1 that send the providers' real rate-limit
// headers; spans through real workers to a real OTLP/HTTP receiver, gauges and the time-per-chunk
// histogram read from the tracer's /metrics.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { startHttpReceiver, type Receiver } from '../e2e/receivers.js';
import type { Sample } from '../metrics/prom.js';
import * as anthropicFake from '../instrument/fakes/anthropic.js';
import * as openaiFake from '../instrument/fakes/openai.js';
import { startFakeProvider, type FakeProvider } from '../instrument/fakes/server.js';
import { attributesOf, gaugeOf, OPENAI_LIMITS, scrapeAndShutdown } from './limits.js';
import { instrumentAnthropic, instrumentOpenAI } from '../instrument/helpers.js';


function anthropicLimits(resetInSeconds: number): Record<string, string> {
  const reset = new Date(Date.now() + resetInSeconds * 1000).toISOString();
  return {
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': '3999',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-input-tokens-limit': '2000000',
    'anthropic-ratelimit-input-tokens-remaining': '1998000',
    'anthropic-ratelimit-input-tokens-reset': reset,
    'anthropic-ratelimit-output-tokens-limit': '400000',
    'anthropic-ratelimit-output-tokens-remaining': '399950',
    'anthropic-ratelimit-output-tokens-reset': reset,
    'anthropic-ratelimit-tokens-limit': '2400000',
    'anthropic-ratelimit-tokens-remaining': '2397950',
    'anthropic-ratelimit-tokens-reset': reset,
  };
}

let server: FakeProvider;
let receiver: Receiver;
let tracer: RactoTracer;
let metrics: Sample[];

beforeAll(async () => {
  server = await startFakeProvider();
  receiver = await startHttpReceiver();
  tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, prometheusPort: 0, workers: 2 });
  expect(await tracer.ready()).toBe(true);
  const openai = instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: `${server.url}/v1`, maxRetries: 0 }), tracer);
  const anthropic = instrumentAnthropic(new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 }), tracer);
  const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

  // An answer with the headers, then a later one with fewer requests remaining: the gauge holds the last.
  server.answer({ ...openaiFake.chatCompletion(), headers: OPENAI_LIMITS });
  await openai.chat.completions.create(ask);
  server.answer({ ...openaiFake.chatCompletion(), headers: { ...OPENAI_LIMITS, 'x-ratelimit-remaining-requests': '9986' } });
  await openai.chat.completions.create(ask);
  // A 429 with retry-after in seconds.
  server.answer(openaiFake.error(429, { 'retry-after': '7', ...OPENAI_LIMITS, 'x-ratelimit-remaining-requests': '0' }));
  await expect(openai.chat.completions.create(ask)).rejects.toThrow();
  // A stream: its chunks timed.
  server.answer((body) => ({ ...openaiFake.chatStream(body), headers: OPENAI_LIMITS }));
  const stream = await openai.chat.completions.create({ ...ask, stream: true });
  for await (const _ of stream) void _;
  // Anthropic: every kind, a reset as an RFC 3339 time, and a 429 whose retry-after is an HTTP date.
  server.answer({ ...anthropicFake.message(), headers: anthropicLimits(30) });
  await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
  server.answer(anthropicFake.error(429, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() }));
  await expect(anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
  server.answer(anthropicFake.messageStream());
  const s2 = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], stream: true });
  for await (const _ of s2) void _;
  // No headers at all: nothing emitted.
  server.answer(openaiFake.chatCompletion());
  await openai.chat.completions.create({ ...ask, model: 'gpt-4.1-nano' });

  metrics = await scrapeAndShutdown(tracer);
}, 30_000);

afterAll(async () => {
  await server.close();
  await receiver.close();
});

const attrs = (pred: (a: Record<string, unknown>) => boolean): Record<string, unknown>[] => attributesOf(receiver, pred);
const gauge = (name: string, model: string, limit: string): number | undefined => gaugeOf(metrics, name, model, limit);

describe('rate-limit headers of wrapped clients', () => {
  it('puts the OpenAI values sent on the span, the reset in seconds', () => {
    const [first] = attrs((a) => a['llm.model'] === 'gpt-4o-mini' && a['llm.operation'] === 'chat' && a['error.type'] === undefined);
    expect(first).toMatchObject({
      'llm.ratelimit.requests.limit': 10000, 'llm.ratelimit.requests.remaining': 9987, 'llm.ratelimit.requests.reset_seconds': 360,
      'llm.ratelimit.tokens.limit': 30000000, 'llm.ratelimit.tokens.remaining': 29998500,
    });
    expect(first['llm.ratelimit.tokens.reset_seconds']).toBeCloseTo(0.02, 6);
    expect(first).not.toHaveProperty('llm.ratelimit.input_tokens.limit');
    expect(first).not.toHaveProperty('llm.retry_after_ms');
  });

  it('gives a 429 its retry-after, in seconds or as an HTTP date', () => {
    const failed = attrs((a) => a['llm.provider'] === 'openai' && a['error.type'] !== undefined);
    expect(failed).toHaveLength(1);
    const [openai] = failed;
    expect(openai['llm.retry_after_ms']).toBe(7000);
    expect(openai['llm.ratelimit.requests.remaining']).toBe(0);
    const [anthropic] = attrs((a) => a['llm.provider'] === 'anthropic' && a['error.type'] !== undefined);
    // An HTTP date has whole seconds: 120 s from when it was made, less the time the call took.
    expect(anthropic['llm.retry_after_ms']).toBeGreaterThan(115_000);
    expect(anthropic['llm.retry_after_ms']).toBeLessThanOrEqual(120_000);
  });

  it('puts every Anthropic kind on the span', () => {
    const [a] = attrs((x) => x['llm.provider'] === 'anthropic' && x['llm.operation'] === 'chat' && x['error.type'] === undefined);
    expect(a).toMatchObject({
      'llm.ratelimit.requests.limit': 4000, 'llm.ratelimit.requests.remaining': 3999,
      'llm.ratelimit.input_tokens.limit': 2000000, 'llm.ratelimit.input_tokens.remaining': 1998000,
      'llm.ratelimit.output_tokens.limit': 400000, 'llm.ratelimit.output_tokens.remaining': 399950,
      'llm.ratelimit.tokens.limit': 2400000, 'llm.ratelimit.tokens.remaining': 2397950,
    });
    expect(a['llm.ratelimit.requests.reset_seconds']).toBeGreaterThan(25);
    expect(a['llm.ratelimit.requests.reset_seconds']).toBeLessThanOrEqual(30);
  });

  it('holds the last value seen per provider, model and kind in the gauges', () => {
    expect(gauge('ractogateway_ratelimit_limit', 'gpt-4o-mini', 'requests')).toBe(10000);
    // The answers came 9987, 9986, then the 429's 0, then the stream's 9987 again.
    expect(gauge('ractogateway_ratelimit_remaining', 'gpt-4o-mini', 'requests')).toBe(9987);
    expect(gauge('ractogateway_ratelimit_remaining', 'gpt-4o-mini', 'tokens')).toBe(29998500);
    expect(gauge('ractogateway_ratelimit_remaining', 'claude-sonnet-4-6', 'output_tokens')).toBe(399950);
    expect(gauge('ractogateway_ratelimit_limit', 'claude-sonnet-4-6', 'input_tokens')).toBe(2000000);
  });

  it('emits nothing for a model whose answers had no headers (not 0)', () => {
    const [plain] = attrs((a) => a['llm.model'] === 'gpt-4.1-nano');
    expect(Object.keys(plain).filter((k) => k.startsWith('llm.ratelimit.'))).toEqual([]);
    expect(metrics.filter((s) => s.name.startsWith('ractogateway_ratelimit_') && s.labels.model === 'gpt-4.1-nano')).toEqual([]);
  });
});

describe('time between chunks of wrapped streams', () => {
  it('counts the chunks on the span and the gaps in the time-per-chunk histogram', () => {
    const streams = attrs((a) => a['llm.operation'] === 'stream');
    expect(streams).toHaveLength(2);
    for (const s of streams) {
      const chunks = s['llm.stream.chunks'] as number;
      expect(chunks).toBeGreaterThan(1);
      expect(s['llm.stream.time_per_chunk_ms']).toBeGreaterThanOrEqual(0);
      expect(s['llm.stream.max_chunk_gap_ms']).toBeGreaterThanOrEqual(0);
      const model = s['gen_ai.request.model'];
      const count = metrics.find((m) => m.name === 'gen_ai_client_operation_time_per_output_chunk_seconds_count' && m.labels.gen_ai_request_model === model);
      expect(count?.value).toBe(chunks - 1);
    }
    // Plain calls have none.
    expect(metrics.filter((m) => m.name === 'gen_ai_client_operation_time_per_output_chunk_seconds_count')).toHaveLength(2);
  });
});

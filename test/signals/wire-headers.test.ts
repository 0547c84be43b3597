// Issue 32 through the wire capture (issue 28): the real `openai` and `@anthropic-ai/sdk` clients,
// NOT wrapped, under instrumentFetch, against fake providers on 127.0.0.1 that send the providers'
// rate-limit headers. The main thread keeps those headers with the exchange and times a stream's
// body chunks; a worker reads the headers into the span and the gauges, as the wrappers' are.
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
import { instrumentFetch } from '../instrument/wire/helpers.js';

const ANTHROPIC_LIMITS = {
  'anthropic-ratelimit-input-tokens-limit': '2000000',
  'anthropic-ratelimit-input-tokens-remaining': '1998000',
  'anthropic-ratelimit-output-tokens-limit': '400000',
  'anthropic-ratelimit-output-tokens-remaining': '399950',
};

let server: FakeProvider;
let receiver: Receiver;
let tracer: RactoTracer;
let metrics: Sample[];

beforeAll(async () => {
  server = await startFakeProvider();
  receiver = await startHttpReceiver();
  tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, prometheusPort: 0, workers: 1 });
  expect(await tracer.ready()).toBe(true);
  // On before the clients are made: on Node 20/22 the fallback wraps globalThis.fetch, which the SDKs take at construction.
  const stop = instrumentFetch(tracer);
  const openai = new OpenAI({ apiKey: 'test', baseURL: `${server.url}/v1`, maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
  const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
  server.answer({ ...openaiFake.chatCompletion(), headers: OPENAI_LIMITS });
  await openai.chat.completions.create(ask);
  server.answer(openaiFake.error(429, { 'retry-after': '7', ...OPENAI_LIMITS, 'x-ratelimit-remaining-requests': '0' }));
  await expect(openai.chat.completions.create(ask)).rejects.toThrow();
  server.answer({ ...anthropicFake.message(), headers: ANTHROPIC_LIMITS });
  await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
  server.answer((body) => ({ ...openaiFake.chatStream(body), headers: OPENAI_LIMITS }));
  const stream = await openai.chat.completions.create({ ...ask, model: 'gpt-4.1-mini', stream: true });
  for await (const _ of stream) void _;
  server.answer(openaiFake.chatCompletion());
  await openai.chat.completions.create({ ...ask, model: 'gpt-4.1-nano' });
  stop();
  metrics = await scrapeAndShutdown(tracer);
}, 30_000);

afterAll(async () => {
  await server.close();
  await receiver.close();
});

const attrs = (pred: (a: Record<string, unknown>) => boolean): Record<string, unknown>[] => attributesOf(receiver, pred);
const gauge = (name: string, model: string, limit: string): number | undefined => gaugeOf(metrics, name, model, limit);

describe('rate-limit headers through the wire capture', () => {
  it('puts the values the provider sent on the span, and a 429 its retry-after', () => {
    const [ok] = attrs((a) => a['llm.model'] === 'gpt-4o-mini' && a['error.type'] === undefined);
    expect(ok).toMatchObject({
      'llm.ratelimit.requests.limit': 10000, 'llm.ratelimit.requests.remaining': 9987, 'llm.ratelimit.requests.reset_seconds': 360,
      'llm.ratelimit.tokens.limit': 30000000, 'llm.ratelimit.tokens.remaining': 29998500,
    });
    expect(ok).not.toHaveProperty('llm.retry_after_ms');
    const [failed] = attrs((a) => a['llm.model'] === 'gpt-4o-mini' && a['error.type'] !== undefined);
    expect(failed['error.type']).toBe('RateLimitError');
    expect(failed['llm.retry_after_ms']).toBe(7000);
    expect(failed['llm.ratelimit.requests.remaining']).toBe(0);
    const [a] = attrs((x) => x['llm.provider'] === 'anthropic');
    expect(a).toMatchObject({ 'llm.ratelimit.input_tokens.remaining': 1998000, 'llm.ratelimit.output_tokens.limit': 400000 });
  });

  it('holds the last values in the gauges and emits nothing for answers without headers', () => {
    expect(gauge('ractogateway_ratelimit_remaining', 'gpt-4o-mini', 'requests')).toBe(0);
    expect(gauge('ractogateway_ratelimit_limit', 'claude-sonnet-4-6', 'output_tokens')).toBe(400000);
    const [plain] = attrs((x) => x['llm.model'] === 'gpt-4.1-nano');
    expect(Object.keys(plain).filter((k) => k.startsWith('llm.ratelimit.'))).toEqual([]);
    expect(metrics.filter((s) => s.name.startsWith('ractogateway_ratelimit_') && s.labels.model === 'gpt-4.1-nano')).toEqual([]);
  });

  it('times a stream by its body chunks', () => {
    const [s] = attrs((x) => x['llm.operation'] === 'stream');
    const chunks = s['llm.stream.chunks'] as number;
    expect(chunks).toBeGreaterThanOrEqual(1);
    const count = metrics.find((m) => m.name === 'gen_ai_client_operation_time_per_output_chunk_seconds_count' && m.labels.gen_ai_request_model === 'gpt-4.1-mini');
    expect(count?.value ?? 0).toBe(chunks - 1);
  });
});

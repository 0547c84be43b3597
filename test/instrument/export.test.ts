// The instrumented calls through a real worker and a real OTLP/HTTP receiver: the spans that
// arrive carry the fields the in-memory capture shows, and the parent active when the call was
// made, even when the stream is consumed under another span.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useContextManager } from '../context-manager.js';
import { expectedAttributes, factsOf } from '../expected.js';
import { RactoTracer } from '../pkg.js';
import { startHttpReceiver, type Receiver } from '../e2e/receivers.js';
import * as fakeAnthropic from './fakes/anthropic.js';
import * as fakeGoogle from './fakes/google.js';
import * as fakeOpenAI from './fakes/openai.js';
import { startFakeProvider, type FakeProvider } from './fakes/server.js';
import { instrumentAnthropic, instrumentGoogleGenAI, instrumentOpenAI } from './helpers.js';

useContextManager();

let server: FakeProvider;
let receiver: Receiver;

beforeAll(async () => {
  server = await startFakeProvider();
  receiver = await startHttpReceiver();
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

describe('instrumented calls exported by a worker over OTLP/HTTP', () => {
  it('arrive field by field as recorded, each a child of the span active at the call', async () => {
    const tracer = new RactoTracer({ inMemory: true, otlpHttpEndpoint: receiver.url, attributeKeys: ['tenant'], clock: 'precise' });
    const otel = new BasicTracerProvider().getTracer('gateway');
    const openai = instrumentOpenAI(new OpenAI({ apiKey: 'k', baseURL: `${server.url}/v1`, maxRetries: 0 }), tracer,
      { provider: 'azure', attributes: () => ({ tenant: 'acme' }) });
    const anthropic = instrumentAnthropic(new Anthropic({ apiKey: 'k', baseURL: server.url, maxRetries: 0 }), tracer);
    const google = instrumentGoogleGenAI(new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server.url } }), tracer);

    const request = otel.startSpan('POST /v1/chat/completions');
    const other = otel.startSpan('unrelated');
    server.answer((body) => fakeOpenAI.chatStream(body, { tools: true }));
    const stream = await context.with(trace.setSpan(context.active(), request), () =>
      openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }));
    // Consumed under another span: the call's parent is still the request's.
    await context.with(trace.setSpan(context.active(), other), async () => {
      for await (const _ of stream) void _;
    });
    server.answer(fakeAnthropic.error(429));
    await context.with(trace.setSpan(context.active(), request), () =>
      anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined));
    server.answer(fakeGoogle.generateContent());
    await google.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    request.end();
    other.end();

    await tracer.flush();
    await tracer.shutdown();
    const recorded = tracer.spans;
    expect(recorded.map((s) => [s.provider, s.operation, s.status])).toEqual([
      ['azure', 'stream', 'ok'], ['anthropic', 'chat', 'error'], ['google', 'chat', 'ok'],
    ]);
    expect(receiver.spans).toHaveLength(3);
    const byProvider = new Map(receiver.spans.map((s) => [s.attributes['llm.provider'], s]));
    for (const r of recorded) {
      const got = byProvider.get(r.provider)!;
      const { ['gen_ai.response.time_to_first_chunk']: ttft, ...attrs } = got.attributes;
      // The price (an alias of the dated model id) and the GenAI provider name are the tracer's
      // business, tested elsewhere: here they must match the in-memory record.
      // Issue 32's measured values (chunk timing, savings) as the in-memory record has them.
      const signals: Record<string, unknown> = {};
      if (r.costSavedUsd !== null) signals['llm.cost_saved_usd'] = r.costSavedUsd;
      const t = r.signals?.chunkTiming;
      if (t != null) {
        signals['llm.stream.chunks'] = t.chunks;
        if (t.chunks > 1) Object.assign(signals, { 'llm.stream.time_per_chunk_ms': t.afterFirstMs / (t.chunks - 1), 'llm.stream.max_chunk_gap_ms': t.maxGapMs });
      }
      expect(attrs).toEqual({ ...expectedAttributes(factsOf(r)), 'llm.cost_usd': r.costUsd, 'llm.price_source': r.priceSource,
        'gen_ai.provider.name': attrs['gen_ai.provider.name'], ...signals });
      if (r.operation === 'stream') expect(ttft as number).toBeCloseTo(r.timeToFirstTokenMs! / 1000, 4);
      else expect(ttft).toBeUndefined();
    }
    const req = request.spanContext();
    expect(byProvider.get('azure')).toMatchObject({ traceId: req.traceId, parentSpanId: req.spanId });
    expect(byProvider.get('anthropic')).toMatchObject({ traceId: req.traceId, parentSpanId: req.spanId });
    expect(byProvider.get('google')!.parentSpanId).toBeUndefined();
    expect(byProvider.get('azure')!.attributes).toMatchObject({ 'gen_ai.provider.name': 'azure.ai.openai', 'llm.tool_calls': 2, tenant: 'acme', 'llm.input_tokens': 1200 });
    expect(byProvider.get('anthropic')!.attributes).toMatchObject({ 'error.type': 'RateLimitError' });
  });

  it('record a stream started outside any span as a root span, whatever span its consumer runs under', async () => {
    const tracer = new RactoTracer({ inMemory: true, otlpHttpEndpoint: receiver.url });
    const openai = instrumentOpenAI(new OpenAI({ apiKey: 'k', baseURL: `${server.url}/v1`, maxRetries: 0 }), tracer);
    const otel = new BasicTracerProvider().getTracer('gateway');
    const before = receiver.spans.length;
    server.answer((body) => fakeOpenAI.chatStream(body));
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const consumer = otel.startSpan('consumer');
    await context.with(trace.setSpan(context.active(), consumer), async () => {
      for await (const _ of stream) void _;
    });
    consumer.end();
    // Under an unsampled span, a record that read the active context would be dropped (notSampled).
    const unsampled = trace.wrapSpanContext({ ...consumer.spanContext(), traceFlags: 0 });
    server.answer((body) => fakeOpenAI.chatStream(body));
    const second = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    await context.with(trace.setSpan(context.active(), unsampled), async () => {
      for await (const _ of second) void _;
    });
    await tracer.flush();
    await tracer.shutdown();
    expect(tracer.stats()).toMatchObject({ recorded: 2, dropped: 0 });
    const got = receiver.spans.slice(before);
    expect(got).toHaveLength(2);
    for (const s of got) {
      expect(s.parentSpanId).toBeUndefined();
      expect(s.traceId).not.toBe(consumer.spanContext().traceId);
    }
  });
});

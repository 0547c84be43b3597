// The integration registered globally (the README's two lines), through a real worker and a
// real OTLP/HTTP receiver, inside an application traced with the OpenTelemetry SDK 3.x and its
// AsyncLocalStorage context manager: every model call arrives as a child of the application's span
// active when the call started, with the fields the in-memory capture shows.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { embedMany, generateText, jsonSchema, registerTelemetry, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type Receiver } from '../../e2e/receivers.js';
import { expectedAttributes, factsOf } from '../../expected.js';
import * as fakeOpenAI from '../../instrument/fakes/openai.js';
import { startFakeProvider, type FakeProvider } from '../../instrument/fakes/server.js';
import { RactoTracer } from '../../pkg.js';
import { aiSdkTelemetry, providers } from './helpers.js';

let server: FakeProvider;
let receiver: Receiver;
const manager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  server = await startFakeProvider();
  receiver = await startHttpReceiver();
  context.setGlobalContextManager(manager.enable());
});
afterAll(async () => {
  globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = undefined;
  manager.disable();
  context.disable();
  await server.close();
  await receiver.close();
});

describe('AI SDK calls exported by a worker over OTLP/HTTP', () => {
  it('arrive field by field as recorded, each a child of the application span active when it started', async () => {
    const tracer = new RactoTracer({ inMemory: true, otlpHttpEndpoint: receiver.url, clock: 'precise' });
    registerTelemetry(aiSdkTelemetry(tracer));
    const app = new TracerProvider().getTracer('gateway');
    const { openai } = providers(server);

    const request = app.startSpan('POST /v1/agent');
    const other = app.startSpan('unrelated');
    const inRequest = <T>(fn: () => T): T => context.with(trace.setSpan(context.active(), request), fn);
    server.answer(fakeOpenAI.chatCompletion({ tools: true }), fakeOpenAI.chatCompletion());
    await inRequest(() => generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'weather?', stopWhen: stepCountIs(2),
      tools: { get_weather: tool({ inputSchema: jsonSchema({ type: 'object' }), execute: async () => 'sunny' }),
        get_time: tool({ inputSchema: jsonSchema({ type: 'object' }), execute: async () => 'noon' }) } }));
    // Started in the request, consumed under another span: the call still belongs to the request.
    server.answer((body) => fakeOpenAI.chatStream(body));
    const stream = inRequest(() => streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'hi' }));
    await context.with(trace.setSpan(context.active(), other), () => stream.consumeStream());
    server.answer((body) => fakeOpenAI.embeddings(body));
    await inRequest(() => embedMany({ model: openai.embedding('text-embedding-3-small'), values: ['a', 'b'] }));
    // Outside any span: a root span.
    server.answer(fakeOpenAI.chatCompletion());
    await generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'hi' });
    request.end();
    other.end();

    await tracer.shutdown();
    const recorded = tracer.spans;
    expect(recorded.map((s) => [s.operation, s.toolCalls])).toEqual([['chat', 2], ['chat', 0], ['stream', 0], ['embed', 0], ['chat', 0]]);
    expect(tracer.stats()).toMatchObject({ recorded: 5, exported: 5, dropped: 0, failed: 0 });
    expect(receiver.spans).toHaveLength(5);
    const req = request.spanContext();
    const received = [...receiver.spans].sort((a, b) => Number(a.endNs - b.endNs));
    received.forEach((got, i) => {
      const r = recorded[i]!;
      const { ['gen_ai.response.time_to_first_chunk']: ttft, ...attrs } = got.attributes;
      // The price and the GenAI provider name are the tracer's business, tested elsewhere.
      expect(attrs).toEqual({ ...expectedAttributes(factsOf(r)), 'llm.cost_usd': r.costUsd, 'llm.price_source': r.priceSource, 'gen_ai.provider.name': 'openai' });
      if (r.operation === 'stream') expect(ttft as number).toBeCloseTo(r.timeToFirstTokenMs! / 1000, 4);
      else expect(ttft).toBeUndefined();
      if (i < 4) expect(got).toMatchObject({ traceId: req.traceId, parentSpanId: req.spanId });
      else expect(got.parentSpanId).toBeUndefined();
    });
  });
});

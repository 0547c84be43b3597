// The AI SDK integration AND the wire capture in one process: each AI SDK call is recorded once,
// by the integration (its context is marked while its model call runs, so instrumentFetch skips the
// provider's requests, retries included), while a bare fetch the same async function makes after
// the call is still captured. Real AI SDK providers against the fake provider on 127.0.0.1, a real
// piscina worker, a real OTLP/HTTP receiver; on Node 22 the capture's bodies come from its fetch
// fallback, on Node 24+ from undici's channels (both paths decide in the same create handler).
import { embed, generateObject, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type Receiver } from '../../e2e/receivers.js';
import * as fakeOpenAI from '../../instrument/fakes/openai.js';
import { startFakeProvider, type FakeProvider } from '../../instrument/fakes/server.js';
import { BODIES_FROM, instrumentFetch, received } from '../../instrument/wire/helpers.js';
import { RactoTracer } from '../../pkg.js';
import { aiSdkTelemetry, providers } from './helpers.js';

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

/** A tracer with both recorders: the integration's spans carry `via: ai-sdk`, the wire's do not. */
function both() {
  const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, workers: 1, attributeKeys: ['via'] });
  const telemetry = { integrations: [aiSdkTelemetry(tracer, { attributes: () => ({ via: 'ai-sdk' }) })] };
  const stop = instrumentFetch(tracer);
  return { tracer, telemetry, stop };
}

const bareChat = (url: string) => fetch(`${url}/v1/chat/completions`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] }),
}).then((r) => r.json());

describe(`the AI SDK integration under the wire capture (bodies from the ${BODIES_FROM})`, () => {
  it('records generateText, streamText and embed once each (the integration\'s span), and a bare fetch after them', async () => {
    receiver.spans.length = 0;
    const { tracer, telemetry, stop } = both();
    try {
      const p = providers(server);
      server.answer(fakeOpenAI.chatCompletion());
      await generateText({ model: p.openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry });
      server.answer((b) => fakeOpenAI.chatStream(b));
      const s = streamText({ model: p.openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry });
      for await (const _ of s.textStream) void _;
      server.answer((b) => fakeOpenAI.embeddings(b));
      await embed({ model: p.openai.embedding('text-embedding-3-small'), value: 'hello', telemetry });
      // The same async function, right after the AI SDK's calls: the capture's again.
      server.answer(fakeOpenAI.chatCompletion());
      await bareChat(server.url);
    } finally {
      stop();
      await tracer.shutdown();
    }
    const spans = await received(receiver.spans, 4);
    expect(server.requests).toHaveLength(4);
    expect(spans).toHaveLength(4);
    const ours = spans.filter((x) => x.attributes.via === 'ai-sdk').map((x) => x.attributes['llm.operation']).sort();
    expect(ours).toEqual(['chat', 'embed', 'stream']);
    const wire = spans.filter((x) => x.attributes.via === undefined);
    expect(wire).toHaveLength(1);
    expect(wire[0]!.attributes).toMatchObject({ 'llm.operation': 'chat', 'llm.model': 'gpt-4.1-nano' });
  });

  it('keeps the AI SDK\'s retry inside the integration\'s one span: no wire span for either attempt', async () => {
    receiver.spans.length = 0;
    const { tracer, telemetry, stop } = both();
    const before = server.requests.length;
    try {
      // retry-after-ms: 0, so the AI SDK retries at once instead of after its 2 s backoff.
      server.answer(fakeOpenAI.error(429, { 'retry-after-ms': '0' }), fakeOpenAI.chatCompletion());
      const r = await generateText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry });
      expect(r.text.length).toBeGreaterThan(0);
      server.answer(fakeOpenAI.chatCompletion());
      await bareChat(server.url);
    } finally {
      stop();
      await tracer.shutdown();
    }
    const spans = await received(receiver.spans, 2);
    expect(server.requests.length - before).toBe(3);
    expect(spans).toHaveLength(2);
    const ours = spans.find((x) => x.attributes.via === 'ai-sdk');
    expect(ours?.attributes['llm.operation']).toBe('chat');
    expect(ours?.status.code).not.toBe(2);
    expect(spans.filter((x) => x.attributes.via === undefined).map((x) => x.attributes['llm.model'])).toEqual(['gpt-4.1-nano']);
  });

  it('records generateObject once, and a tool\'s own LLM request between two steps of a generation (no model call in flight then)', async () => {
    receiver.spans.length = 0;
    const { tracer, telemetry, stop } = both();
    try {
      const p = providers(server);
      server.answer(fakeOpenAI.chatCompletion({ content: '{"city":"Paris"}' }));
      const { object } = await generateObject({ model: p.openai.chat('gpt-4o-mini'), prompt: 'a city', telemetry,
        schema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }) });
      expect(object).toEqual({ city: 'Paris' });
      // Step 1 asks for two tools; get_weather calls a model itself (a bare fetch); step 2 answers.
      server.answer(fakeOpenAI.chatCompletion({ tools: true }), fakeOpenAI.chatCompletion(), fakeOpenAI.chatCompletion());
      const input = jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } });
      const result = await generateText({
        model: p.openai.chat('gpt-4o-mini'), prompt: 'weather and time in Paris?', telemetry, stopWhen: stepCountIs(3),
        tools: {
          get_weather: tool({ inputSchema: input, execute: async () => (await bareChat(server.url), 'sunny') }),
          get_time: tool({ inputSchema: input, execute: async () => 'noon' }),
        },
      });
      expect(result.steps).toHaveLength(2);
    } finally {
      stop();
      await tracer.shutdown();
    }
    const spans = await received(receiver.spans, 4);
    expect(spans).toHaveLength(4);
    expect(spans.filter((x) => x.attributes.via === 'ai-sdk')).toHaveLength(3);
    expect(spans.filter((x) => x.attributes.via === undefined).map((x) => x.attributes['llm.model'])).toEqual(['gpt-4.1-nano']);
  });

  it('captures the LLM request of a tool streamText executes while the model\'s stream is open, and records the two model calls once', async () => {
    receiver.spans.length = 0;
    const { tracer, telemetry, stop } = both();
    try {
      // Step 1 streams two tool calls; get_weather calls a model itself; step 2 streams the answer.
      server.answer((b) => fakeOpenAI.chatStream(b, { tools: true }), fakeOpenAI.chatCompletion(), (b) => fakeOpenAI.chatStream(b));
      const input = jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } });
      const s = streamText({
        model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'weather and time in Paris?', telemetry, stopWhen: stepCountIs(3),
        tools: {
          get_weather: tool({ inputSchema: input, execute: async () => (await bareChat(server.url), 'sunny') }),
          get_time: tool({ inputSchema: input, execute: async () => 'noon' }),
        },
      });
      for await (const _ of s.textStream) void _;
    } finally {
      stop();
      await tracer.shutdown();
    }
    const spans = await received(receiver.spans, 3);
    expect(spans).toHaveLength(3);
    expect(spans.filter((x) => x.attributes.via === 'ai-sdk').map((x) => x.attributes['llm.operation'])).toEqual(['stream', 'stream']);
    expect(spans.filter((x) => x.attributes.via === undefined).map((x) => x.attributes['llm.model'])).toEqual(['gpt-4.1-nano']);
  });

  it('captures the provider\'s requests of an AI SDK call made without the integration (the mark is the integration\'s alone)', async () => {
    receiver.spans.length = 0;
    const { tracer, stop } = both();
    try {
      server.answer(fakeOpenAI.chatCompletion());
      // telemetry disabled for this call: the integration sees nothing, so nothing is marked.
      await generateText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry: { isEnabled: false } });
    } finally {
      stop();
      await tracer.shutdown();
    }
    const spans = await received(receiver.spans, 1);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes).toMatchObject({ 'llm.operation': 'chat', 'llm.model': 'gpt-4o-mini' });
    expect(spans[0]!.attributes.via).toBeUndefined();
  });
});

// The AI SDK's providers UNWRAPPED (no telemetry integration) under the wire capture: each HTTP
// call a provider makes against the fake providers on 127.0.0.1 is recorded from its bytes,
// through a real worker to a real OTLP/HTTP receiver, with what the AI SDK integration records
// of the same call: provider, operation, models, every token kind, finish reasons, response id.
import { embedMany, generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type Receiver } from '../../e2e/receivers.js';
import * as fakeAnthropic from '../../instrument/fakes/anthropic.js';
import * as fakeOpenAI from '../../instrument/fakes/openai.js';
import { startFakeProvider, type FakeProvider } from '../../instrument/fakes/server.js';
import { BODIES_FROM, instrumentFetch, received } from '../../instrument/wire/helpers.js';
import { RactoTracer } from '../../pkg.js';
import { providers } from './helpers.js';

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

describe(`the AI SDK's providers under the wire capture (bodies from the ${BODIES_FROM})`, () => {
  it('records each provider call from the wire, one span a call, at the OTLP receiver', async () => {
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, workers: 1 });
    const stop = instrumentFetch(tracer);
    try {
      const p = providers(server);
      server.answer(fakeOpenAI.chatCompletion());
      await generateText({ model: p.openai.chat('gpt-4o-mini'), prompt: 'hi' });
      server.answer((b) => fakeOpenAI.chatStream(b));
      const s = streamText({ model: p.openai.chat('gpt-4o-mini'), prompt: 'hi' });
      for await (const _ of s.textStream) void _;
      server.answer(fakeAnthropic.message());
      await generateText({ model: p.anthropic('claude-sonnet-4-6'), prompt: 'hi' });
      server.answer((b) => fakeOpenAI.embeddings(b));
      await embedMany({ model: p.openai.embedding('text-embedding-3-small'), values: ['a', 'b'] });
    } finally {
      stop();
      await tracer.shutdown();
    }
    const spans = await received(receiver.spans, 4);
    expect(spans).toHaveLength(4);
    const by = (op: string, provider: string) => spans.find((x) => x.attributes['llm.operation'] === op && x.attributes['llm.provider'] === provider)!.attributes;
    expect(by('chat', 'openai')).toMatchObject({ 'llm.model': 'gpt-4o-mini', 'gen_ai.response.model': fakeOpenAI.CHAT_MODEL, 'llm.input_tokens': 1200, 'llm.output_tokens': 300,
      'gen_ai.response.id': 'chatcmpl-1', 'gen_ai.response.finish_reasons': ['stop'] });
    // The AI SDK asks for the stream's usage itself (stream_options.include_usage).
    expect(by('stream', 'openai')).toMatchObject({ 'llm.model': 'gpt-4o-mini', 'llm.input_tokens': 1200, 'llm.output_tokens': 300, 'gen_ai.response.id': 'chatcmpl-2' });
    expect(by('chat', 'anthropic')).toMatchObject({ 'llm.model': 'claude-sonnet-4-6', 'gen_ai.response.model': fakeAnthropic.MODEL });
    expect(by('embed', 'openai')).toMatchObject({ 'llm.model': 'text-embedding-3-small' });
    expect(Number(by('chat', 'anthropic')['llm.input_tokens'])).toBeGreaterThan(0);
  });
});

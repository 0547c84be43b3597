// instrumentAnthropic with captureContent: the real `@anthropic-ai/sdk` client against the fake
// Anthropic server, spans through a real worker to a real OTLP/HTTP receiver.
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { exportedAttributes, exportingTracer, json, portOf, useFakeAndReceiver } from './content-helpers.js';
import * as fake from './fakes/anthropic.js';
import { instrumentAnthropic } from './helpers.js';

const ctx = useFakeAndReceiver();

const client = (tracer: ReturnType<typeof exportingTracer>): Anthropic =>
  instrumentAnthropic(new Anthropic({ apiKey: 'test', baseURL: ctx.server.url, maxRetries: 0 }), tracer);

const body = {
  model: 'claude-sonnet-4-6', max_tokens: 256, system: 'You answer in French.',
  tools: [{ name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object' as const, properties: {} } }],
  messages: [
    { role: 'user' as const, content: 'Weather in Paris?' },
    { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 'toolu_0', name: 'get_weather', input: { city: 'Paris' } }] },
    { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'toolu_0', content: [{ type: 'text' as const, text: 'pluie' }] },
      { type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data: 'iVBORw0KGgo=' } }] },
  ],
};

describe('messages.create with captureContent', () => {
  it('records the system prompt apart, the history, the tools and the answer', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer(fake.message());
    await client(tracer).messages.create(body);
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(a, 'gen_ai.system_instructions')).toEqual([{ type: 'text', content: 'You answer in French.' }]);
    expect(json(a, 'gen_ai.input.messages')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_0', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'user', parts: [{ type: 'tool_call_response', id: 'toolu_0', response: 'pluie' },
        { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'iVBORw0KGgo=' }] },
    ]);
    expect(json(a, 'gen_ai.tool.definitions')).toEqual([{ type: 'function', name: 'get_weather' }]);
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello from the fake.' }], finish_reason: 'stop' }]);
    expect(a).toMatchObject({ 'gen_ai.response.id': 'msg_1', 'gen_ai.response.finish_reasons': ['stop'], 'gen_ai.response.model': fake.MODEL,
      'gen_ai.request.model': 'claude-sonnet-4-6', 'server.address': '127.0.0.1', 'server.port': portOf(ctx.server.url) });
  });

  it('records a tool_use answer as a tool call, finish reason tool_call', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer(fake.message({ tools: true }));
    await client(tracer).messages.create(body);
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', finish_reason: 'tool_call', parts: [
      { type: 'text', content: 'Let me look.' }, { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } }] }]);
    expect(a['gen_ai.response.finish_reasons']).toEqual(['tool_call']);
  });

  it('accumulates a stream: text deltas and a tool input streamed as JSON pieces', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer(fake.messageStream({ tools: true }));
    for await (const _ of await client(tracer).messages.create({ ...body, stream: true })) void _;
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', finish_reason: 'tool_call', parts: [
      { type: 'text', content: 'Hello from the fake.' }, { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } }] }]);
    expect(a).toMatchObject({ 'gen_ai.response.id': 'msg_2', 'gen_ai.response.finish_reasons': ['tool_call'] });
  });

  it('records the stream of messages.stream() once, with its content', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer(fake.messageStream());
    await client(tracer).messages.stream(body).finalMessage();
    const spans = await exportedAttributes(tracer, ctx.receiver);
    expect(spans).toHaveLength(1);
    expect(json(spans[0], 'gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello from the fake.' }], finish_reason: 'stop' }]);
  });
});

// instrumentOpenAI with captureContent: the real `openai` client against the fake OpenAI server,
// spans through a real worker to a real OTLP/HTTP receiver. What arrives: the messages in the
// GenAI conventions' shapes, streamed text and tool calls accumulated, the response fields.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { exportedAttributes, exportingTracer, json, portOf, useFakeAndReceiver } from './content-helpers.js';
import * as fake from './fakes/openai.js';
import { instrumentOpenAI } from './helpers.js';

const ctx = useFakeAndReceiver();

const client = (tracer: ReturnType<typeof exportingTracer>): OpenAI =>
  instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: `${ctx.server.url}/v1`, maxRetries: 0 }), tracer);

const history = [
  { role: 'system' as const, content: 'You are a weather bot.' },
  { role: 'user' as const, content: [{ type: 'text' as const, text: 'Weather in Paris?' }, { type: 'image_url' as const, image_url: { url: 'https://x.test/paris.png' } }] },
  { role: 'assistant' as const, content: null, tool_calls: [{ id: 'call_0', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
  { role: 'tool' as const, tool_call_id: 'call_0', content: 'rainy, 12°C' },
];
const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: {} } } }];

const expectedInput = [
  { role: 'system', parts: [{ type: 'text', content: 'You are a weather bot.' }] },
  { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }, { type: 'uri', modality: 'image', uri: 'https://x.test/paris.png' }] },
  { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_0', name: 'get_weather', arguments: { city: 'Paris' } }] },
  { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_0', response: 'rainy, 12°C' }] },
];

describe('chat completions with captureContent', () => {
  it('records the history, the tools offered, the answer and the response fields', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer(fake.chatCompletion());
    await client(tracer).chat.completions.create({ model: 'gpt-4o-mini', messages: history, tools });
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(a, 'gen_ai.input.messages')).toEqual(expectedInput);
    // A tool as the conventions advise by default: its type and name.
    expect(json(a, 'gen_ai.tool.definitions')).toEqual([{ type: 'function', name: 'get_weather' }]);
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello from the fake.' }], finish_reason: 'stop' }]);
    expect(a['gen_ai.system_instructions']).toBeUndefined();
    expect(a).toMatchObject({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': fake.CHAT_MODEL, 'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.finish_reasons': ['stop'], 'server.address': '127.0.0.1', 'server.port': portOf(ctx.server.url) });
  });

  it('records the tool calls of an answer, their arguments as JSON, finish reason tool_call', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer(fake.chatCompletion({ tools: true }));
    await client(tracer).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'weather and time?' }] });
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', finish_reason: 'tool_call', parts: [
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
      { type: 'tool_call', id: 'call_2', name: 'get_time', arguments: { tz: 'CET' } }] }]);
    expect(a['gen_ai.response.finish_reasons']).toEqual(['tool_call']);
  });

  it('accumulates a streamed answer, its text and its tool calls, chunk by chunk', async () => {
    const tracer = exportingTracer(ctx.receiver);
    const c = client(tracer);
    ctx.server.answer((body) => fake.chatStream(body));
    for await (const _ of await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true })) void _;
    ctx.server.answer((body) => fake.chatStream(body, { tools: true }));
    for await (const _ of await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true })) void _;
    const [text, calls] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(text, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello from the fake.' }], finish_reason: 'stop' }]);
    expect(text).toMatchObject({ 'gen_ai.response.id': 'chatcmpl-2', 'gen_ai.response.finish_reasons': ['stop'], 'gen_ai.request.stream': true });
    expect(json(calls, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', finish_reason: 'tool_call', parts: [
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
      { type: 'tool_call', id: 'call_2', name: 'get_time', arguments: { tz: 'CET' } }] }]);
  });

  it('records what an abandoned stream had said so far', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer((body) => fake.chatStream(body, { stopAfter: 2 }));
    const stream = await client(tracer).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let n = 0;
    for await (const _ of stream) if (++n === 3) break;
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(a['error.type']).toBe('cancelled');
    // No finish reason came: the message says none.
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello from' }] }]);
  });

  it('records the response fields, and no content, when captureContent is off', async () => {
    const tracer = exportingTracer(ctx.receiver, {});
    ctx.server.answer(fake.chatCompletion());
    await client(tracer).chat.completions.create({ model: 'gpt-4o-mini', messages: history });
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(a).toMatchObject({ 'gen_ai.response.id': 'chatcmpl-1', 'gen_ai.response.model': fake.CHAT_MODEL, 'server.port': portOf(ctx.server.url) });
    expect(Object.keys(a).filter((k) => k.includes('messages') || k.includes('definitions'))).toEqual([]);
  });
});

describe('responses with captureContent', () => {
  it('records instructions as system instructions, the input, and every output item in one message', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer({ json: fake.responseObject() });
    await client(tracer).responses.create({ model: 'gpt-4.1', instructions: 'Be brief.', input: 'hi', tools: [{ type: 'function', name: 'lookup', parameters: {}, strict: false }] });
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(a, 'gen_ai.system_instructions')).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(json(a, 'gen_ai.input.messages')).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    expect(json(a, 'gen_ai.tool.definitions')).toEqual([{ type: 'function', name: 'lookup' }]);
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', finish_reason: 'tool_call', parts: [
      { type: 'text', content: 'Hi there.' }, { type: 'tool_call', id: 'call_9', name: 'lookup', arguments: {} }] }]);
    expect(a).toMatchObject({ 'gen_ai.response.id': 'resp_1', 'gen_ai.response.finish_reasons': ['tool_call'], 'gen_ai.response.model': fake.RESPONSES_MODEL });
  });

  it('records a streamed response from its last event', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer(fake.responsesStream());
    for await (const _ of await client(tracer).responses.create({ model: 'gpt-4.1', input: [{ role: 'user', content: 'hi' }], stream: true })) void _;
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(a, 'gen_ai.input.messages')).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    expect(json(a, 'gen_ai.output.messages')).toMatchObject([{ role: 'assistant', parts: [{ type: 'text', content: 'Hi there.' }, { type: 'tool_call', name: 'lookup' }] }]);
    expect(a['gen_ai.response.id']).toBe('resp_1');
  });
});

describe('embeddings', () => {
  it('records the answered model and the server', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer(fake.embeddings);
    await client(tracer).embeddings.create({ model: 'text-embedding-3-small', input: 'a' });
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(a).toMatchObject({ 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.response.model': fake.EMBED_MODEL, 'server.address': '127.0.0.1' });
  });
});

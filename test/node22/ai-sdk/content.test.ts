// The AI SDK integration with captureContent: the real AI SDK and its providers against the fake
// providers, spans through a real worker to a real OTLP/HTTP receiver. What arrives: the request
// (instructions, messages, tools) and the answer (content parts, an object's JSON text) in the
// GenAI conventions' shapes, with the response fields; nothing of it when content is not
// captured, or when the call's telemetry hides its inputs or outputs.
import { generateObject, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { exportedAttributes, exportingTracer, json, portOf, useFakeAndReceiver } from '../../instrument/content-helpers.js';
import * as fakeAnthropic from '../../instrument/fakes/anthropic.js';
import * as fakeOpenAI from '../../instrument/fakes/openai.js';
import type { RactoTracer, RactoTracerOptions } from '../../pkg.js';
import { aiSdkTelemetry, providers } from './helpers.js';

const ctx = useFakeAndReceiver();

const CONTENT_KEYS = ['gen_ai.system_instructions', 'gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.definitions'];

function traced(options?: RactoTracerOptions): { tracer: RactoTracer; telemetry: { integrations: ReturnType<typeof aiSdkTelemetry>[] } } {
  const tracer = exportingTracer(ctx.receiver, options);
  return { tracer, telemetry: { integrations: [aiSdkTelemetry(tracer)] } };
}

const weatherTools = {
  get_weather: tool({ description: 'Weather of a city', inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } }),
    execute: async () => 'sunny' }),
  get_time: tool({ inputSchema: jsonSchema<{ tz: string }>({ type: 'object', properties: { tz: { type: 'string' } } }), execute: async () => 'noon' }),
};

describe('generateText with captureContent', () => {
  it('records each step: instructions, the messages so far, the tools offered, the answer and the response fields', async () => {
    const { tracer, telemetry } = traced();
    ctx.server.answer(fakeOpenAI.chatCompletion({ tools: true }), fakeOpenAI.chatCompletion());
    await generateText({
      model: providers(ctx.server).openai.chat('gpt-4o-mini'), instructions: 'Be brief.', telemetry, stopWhen: stepCountIs(3), tools: weatherTools,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/png' },
        { type: 'image', image: new URL('https://x.test/paris.png') }] }],
    });
    const [first, second] = await exportedAttributes(tracer, ctx.receiver);
    const user = { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' },
      { type: 'blob', modality: 'image', mime_type: 'image/png', content: Buffer.from([1, 2, 3]).toString('base64') },
      { type: 'uri', modality: 'image', uri: 'https://x.test/paris.png' }] };
    const calls = [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
      { type: 'tool_call', id: 'call_2', name: 'get_time', arguments: { tz: 'CET' } }];
    expect(json(first, 'gen_ai.system_instructions')).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(json(first, 'gen_ai.input.messages')).toEqual([user]);
    expect(json(first, 'gen_ai.tool.definitions')).toEqual([{ type: 'function', name: 'get_weather' }, { type: 'function', name: 'get_time' }]);
    expect(json(first, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: calls, finish_reason: 'tool_call' }]);
    expect(first).toMatchObject({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': fakeOpenAI.CHAT_MODEL, 'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.finish_reasons': ['tool_call'], 'server.address': '127.0.0.1', 'server.port': portOf(ctx.server.url) });
    // The second step sees the first one's tool calls and the results the AI SDK sent back.
    expect(json(second, 'gen_ai.input.messages')).toEqual([user, { role: 'assistant', parts: calls }, { role: 'tool', parts: [
      { type: 'tool_call_response', id: 'call_1', response: 'sunny' }, { type: 'tool_call_response', id: 'call_2', response: 'noon' }] }]);
    expect(json(second, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello from the fake.' }], finish_reason: 'stop' }]);
  });

  it('records only the categories asked for', async () => {
    const { tracer, telemetry } = traced({ captureContent: { output: true } });
    ctx.server.answer(fakeAnthropic.message());
    await generateText({ model: providers(ctx.server).anthropic('claude-sonnet-4-6'), instructions: 'Be brief.', prompt: 'hi', telemetry });
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(CONTENT_KEYS.filter((k) => k in a)).toEqual(['gen_ai.output.messages']);
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: expect.any(String) }], finish_reason: 'stop' }]);
    expect(a).toMatchObject({ 'gen_ai.response.model': fakeAnthropic.MODEL, 'gen_ai.response.id': 'msg_1', 'gen_ai.response.finish_reasons': ['stop'] });
  });

  it('records no content when the tracer captures none, and the response fields all the same', async () => {
    const { tracer, telemetry } = traced({});
    ctx.server.answer(fakeOpenAI.chatCompletion());
    await generateText({ model: providers(ctx.server).openai.chat('gpt-4o-mini'), instructions: 'Be brief.', prompt: 'hi', telemetry });
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(CONTENT_KEYS.filter((k) => k in a)).toEqual([]);
    expect(a).toMatchObject({ 'gen_ai.response.id': 'chatcmpl-1', 'gen_ai.response.finish_reasons': ['stop'], 'server.port': portOf(ctx.server.url) });
  });

  it('leaves out what the call hides with recordInputs: false or recordOutputs: false', async () => {
    const { tracer, telemetry } = traced();
    const model = providers(ctx.server).openai.chat('gpt-4o-mini');
    ctx.server.answer(fakeOpenAI.chatCompletion(), fakeOpenAI.chatCompletion());
    await generateText({ model, instructions: 'Be brief.', prompt: 'hi', telemetry: { ...telemetry, recordInputs: false } });
    await generateText({ model, instructions: 'Be brief.', prompt: 'hi', telemetry: { ...telemetry, recordOutputs: false } });
    const [noInputs, noOutputs] = await exportedAttributes(tracer, ctx.receiver);
    expect(CONTENT_KEYS.filter((k) => k in noInputs)).toEqual(['gen_ai.output.messages']);
    expect(CONTENT_KEYS.filter((k) => k in noOutputs)).toEqual(['gen_ai.system_instructions', 'gen_ai.input.messages']);
  });
});

describe('streamText and generateObject with captureContent', () => {
  it('records a stream\'s answer as the AI SDK assembled it', async () => {
    const { tracer, telemetry } = traced();
    ctx.server.answer((body) => fakeOpenAI.chatStream(body, { words: ['Sunny', ' and', ' warm.'] }));
    await streamText({ model: providers(ctx.server).openai.chat('gpt-4o-mini'), prompt: 'Weather?', telemetry }).consumeStream();
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(a, 'gen_ai.input.messages')).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather?' }] }]);
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny and warm.' }], finish_reason: 'stop' }]);
    expect(a).toMatchObject({ 'gen_ai.request.stream': true, 'gen_ai.response.id': 'chatcmpl-2', 'gen_ai.response.finish_reasons': ['stop'] });
  });

  it('records an object generation: the prompt\'s system message as instructions, the JSON text as the answer', async () => {
    const { tracer, telemetry } = traced();
    ctx.server.answer(fakeOpenAI.chatCompletion({ content: '{"city":"Paris"}' }));
    const { object } = await generateObject({ model: providers(ctx.server).openai.chat('gpt-4o-mini'), system: 'Answer in JSON.', prompt: 'a city', telemetry,
      schema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }) });
    expect(object).toEqual({ city: 'Paris' });
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(a, 'gen_ai.system_instructions')).toEqual([{ type: 'text', content: 'Answer in JSON.' }]);
    expect(json(a, 'gen_ai.input.messages')).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'a city' }] }]);
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: '{"city":"Paris"}' }], finish_reason: 'stop' }]);
    expect(a).toMatchObject({ 'gen_ai.response.model': fakeOpenAI.CHAT_MODEL, 'gen_ai.response.id': 'chatcmpl-1', 'server.port': portOf(ctx.server.url) });
  });

  it('redacts what the messages carry in the worker, as for every other call', async () => {
    // A made-up project key in the documented shape: a long tail with digits (the apiKey rule
    // leaves hyphenated words such as sk-learn-model-selection alone).
    const KEY = ['sk', 'proj', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4'].join('-');
    const { tracer, telemetry } = traced();
    ctx.server.answer(fakeOpenAI.chatCompletion());
    await generateText({ model: providers(ctx.server).openai.chat('gpt-4o-mini'), prompt: `my key is ${KEY}, mail me at a.b@example.com`,
      telemetry });
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    const input = a['gen_ai.input.messages'] as string;
    expect(input).not.toContain(KEY);
    expect(input).not.toContain('a.b@example.com');
    expect(json(a, 'gen_ai.input.messages')).toEqual([{ role: 'user', parts: [{ type: 'text', content: expect.stringMatching(/^my key is .+, mail me at .+$/) }] }]);
  });
});

// instrumentGoogleGenAI with captureContent: the real `@google/genai` client against the fake
// Gemini server, spans through a real worker to a real OTLP/HTTP receiver.
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { exportedAttributes, exportingTracer, json, portOf, useFakeAndReceiver } from './content-helpers.js';
import * as fake from './fakes/google.js';
import { instrumentGoogleGenAI } from './helpers.js';

const ctx = useFakeAndReceiver();

const client = (tracer: ReturnType<typeof exportingTracer>): GoogleGenAI =>
  instrumentGoogleGenAI(new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: ctx.server.url } }), tracer);

const params = {
  model: 'gemini-2.5-flash',
  contents: [
    { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
    { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
    { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'rain' } } }, { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } }] },
  ],
  config: { systemInstruction: 'Answer briefly.', tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather' }] }, { googleSearch: {} }] },
};

describe('models.generateContent with captureContent', () => {
  it('records the system instruction, the contents as messages (model is assistant), the tools and the answer', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer(fake.generateContent());
    await client(tracer).models.generateContent(params);
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(a, 'gen_ai.system_instructions')).toEqual([{ type: 'text', content: 'Answer briefly.' }]);
    expect(json(a, 'gen_ai.input.messages')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'user', parts: [{ type: 'tool_call_response', id: null, response: { sky: 'rain' } }, { type: 'blob', modality: 'image', mime_type: 'image/jpeg', content: '/9j/4AAQ' }] },
    ]);
    expect(json(a, 'gen_ai.tool.definitions')).toEqual([{ type: 'function', name: 'get_weather' }, { type: 'googleSearch', name: 'googleSearch' }]);
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello from the fake.' }], finish_reason: 'stop' }]);
    expect(a).toMatchObject({ 'gen_ai.response.id': 'resp-g-1', 'gen_ai.response.finish_reasons': ['stop'], 'gen_ai.response.model': fake.MODEL_VERSION,
      'server.address': '127.0.0.1', 'server.port': portOf(ctx.server.url) });
  });

  it('records function calls of an answer, finish reason tool_call where Gemini says STOP', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer(fake.generateContent({ tools: true }));
    await client(tracer).models.generateContent({ model: 'gemini-2.5-flash', contents: 'weather and time?' });
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(a, 'gen_ai.input.messages')).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'weather and time?' }] }]);
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', finish_reason: 'tool_call', parts: [
      { type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Paris' } }, { type: 'tool_call', id: null, name: 'get_time', arguments: { tz: 'CET' } }] }]);
    expect(a['gen_ai.response.finish_reasons']).toEqual(['tool_call']);
  });

  it('accumulates a stream: its text pieces joined, then the function call of its last chunk', async () => {
    const tracer = exportingTracer(ctx.receiver);
    ctx.server.answer(fake.streamGenerateContent({ tools: true }));
    for await (const _ of await client(tracer).models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hi' })) void _;
    const [a] = await exportedAttributes(tracer, ctx.receiver);
    expect(json(a, 'gen_ai.output.messages')).toEqual([{ role: 'assistant', finish_reason: 'tool_call', parts: [
      { type: 'text', content: 'Hello from the fake.' }, { type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Paris' } }] }]);
    expect(a['gen_ai.response.id']).toBe('resp-g-2');
  });
});

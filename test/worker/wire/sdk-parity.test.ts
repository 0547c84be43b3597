// The wire parsers against the wrappers, a table field by field: each row is one call made by the
// official SDK client (openai, @anthropic-ai/sdk, @google/genai) through its wrapper against the
// fake provider on 127.0.0.1; the exchange's bytes parsed by parseWire and recorded as the wire
// capture records them must give the same span (models, every token kind, tool calls, finish
// reasons, response id, price, content, error type). `differs` names the one chosen difference.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as anthropic from '../../instrument/fakes/anthropic.js';
import * as google from '../../instrument/fakes/google.js';
import * as openai from '../../instrument/fakes/openai.js';
import { startFakeProvider, type Answer, type FakeProvider } from '../../instrument/fakes/server.js';
import { instrumentAnthropic, instrumentGoogleGenAI, instrumentOpenAI } from '../../instrument/helpers.js';
import type { RactoTracer } from '../../pkg.js';
import { compare, type Case } from './parity.js';

let server: FakeProvider;
beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());

const oai = (t: RactoTracer, url: string): OpenAI => instrumentOpenAI(new OpenAI({ apiKey: 'k', baseURL: `${url}/v1`, maxRetries: 0 }), t);
const ant = (t: RactoTracer, url: string): Anthropic => instrumentAnthropic(new Anthropic({ apiKey: 'k', baseURL: url, maxRetries: 0 }), t);
const gem = (t: RactoTracer, url: string): GoogleGenAI => instrumentGoogleGenAI(new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: url } }), t);
const vertex = (t: RactoTracer, url: string): GoogleGenAI =>
  instrumentGoogleGenAI(new GoogleGenAI({ vertexai: true, apiKey: 'k', httpOptions: { baseUrl: url } }), t);
const drain = async (stream: AsyncIterable<unknown>): Promise<void> => {
  for await (const _ of stream) void _;
};

const chatHistory: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are a weather bot.' },
  { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } }] },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
  { role: 'tool', tool_call_id: 'call_0', content: 'rainy' },
];
const chatTools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
const chat = { model: 'gpt-4o-mini', messages: chatHistory, tools: chatTools };
const responsesBody = { model: 'gpt-4.1', instructions: 'Be brief.', input: [{ role: 'user' as const, content: 'look it up' }], tools: [{ type: 'function' as const, name: 'lookup', parameters: {}, strict: false }] };
const messagesBody = {
  model: 'claude-sonnet-4-6', max_tokens: 100, system: 'Answer briefly.', tools: [{ name: 'get_weather', input_schema: { type: 'object' as const } }],
  messages: [
    { role: 'user' as const, content: 'Weather?' },
    { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 'toolu_0', name: 'get_weather', input: { city: 'Paris' } }] },
    { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'toolu_0', content: 'rain' }] },
  ],
};
const geminiParams = {
  model: 'gemini-2.5-flash',
  contents: [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }, { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
    { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'rain' } } }] }],
  config: { systemInstruction: 'Answer briefly.', tools: [{ functionDeclarations: [{ name: 'get_weather' }] }, { googleSearch: {} }] },
};

/** A stream that fails midway with Anthropic's `event: error`. */
function anthropicFailing(type: string): Answer {
  const sse = anthropic.messageStream().sse!.slice(0, 4);
  return { sse: [...sse, { event: 'error', data: { type: 'error', error: { type, message: 'fake' } } }] };
}

/** A Responses stream that ends with response.failed. */
function responsesFailing(): Answer {
  const sse = openai.responsesStream().sse!.slice(0, 3);
  const failed = { ...openai.responseObject('in_progress'), status: 'failed', error: { code: 'server_error', message: 'fake' } };
  return { sse: [...sse, { event: 'response.failed', data: { type: 'response.failed', sequence_number: 3, response: failed } }] };
}

const CASES: Case[] = [
  { name: 'openai chat JSON', format: 'openai.chat', provider: 'openai', answer: openai.chatCompletion(), call: (t, u) => oai(t, u).chat.completions.create(chat) },
  { name: 'openai chat JSON, tool calls', format: 'openai.chat', provider: 'openai', answer: openai.chatCompletion({ tools: true }), call: (t, u) => oai(t, u).chat.completions.create(chat) },
  { name: 'openai chat stream', format: 'openai.chat', provider: 'openai', answer: (b) => openai.chatStream(b), call: async (t, u) => drain(await oai(t, u).chat.completions.create({ ...chat, stream: true })) },
  { name: 'openai chat stream, tool calls', format: 'openai.chat', provider: 'openai', answer: (b) => openai.chatStream(b, { tools: true }), call: async (t, u) => drain(await oai(t, u).chat.completions.create({ ...chat, stream: true })) },
  // The SDK throws its APIError on the error event and, leaving its loop, aborts its own controller:
  // both readings say APIError (the wrapper no longer takes that abort for the caller's cancel).
  { name: 'openai chat stream, error event', format: 'openai.chat', provider: 'openai', answer: (b) => openai.chatStream(b, { failAfter: 2 }), call: async (t, u) => drain(await oai(t, u).chat.completions.create({ ...chat, stream: true })) },
  { name: 'openai chat 429', format: 'openai.chat', provider: 'openai', answer: openai.error(429), call: (t, u) => oai(t, u).chat.completions.create(chat) },
  { name: 'openai chat 500', format: 'openai.chat', provider: 'openai', answer: openai.error(500), call: (t, u) => oai(t, u).chat.completions.create(chat) },
  { name: 'openai responses JSON', format: 'openai.responses', provider: 'openai', answer: { json: openai.responseObject() }, call: (t, u) => oai(t, u).responses.create(responsesBody) },
  { name: 'openai responses stream', format: 'openai.responses', provider: 'openai', answer: openai.responsesStream(), call: async (t, u) => drain(await oai(t, u).responses.create({ ...responsesBody, stream: true })) },
  { name: 'openai responses stream, failed', format: 'openai.responses', provider: 'openai', answer: responsesFailing(), call: async (t, u) => drain(await oai(t, u).responses.create({ ...responsesBody, stream: true })) },
  { name: 'openai embeddings', format: 'openai.embeddings', provider: 'openai', answer: (b) => openai.embeddings(b), call: (t, u) => oai(t, u).embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] }) },
  { name: 'anthropic JSON', format: 'anthropic.messages', provider: 'anthropic', answer: anthropic.message(), call: (t, u) => ant(t, u).messages.create(messagesBody) },
  { name: 'anthropic JSON, tool use', format: 'anthropic.messages', provider: 'anthropic', answer: anthropic.message({ tools: true }), call: (t, u) => ant(t, u).messages.create(messagesBody) },
  { name: 'anthropic stream', format: 'anthropic.messages', provider: 'anthropic', answer: anthropic.messageStream(), call: async (t, u) => drain(await ant(t, u).messages.create({ ...messagesBody, stream: true })) },
  { name: 'anthropic stream, tool use', format: 'anthropic.messages', provider: 'anthropic', answer: anthropic.messageStream({ tools: true }), call: async (t, u) => drain(await ant(t, u).messages.create({ ...messagesBody, stream: true })) },
  // As with OpenAI's error event, both say APIError; an overloaded_error event the wire reads sharper.
  { name: 'anthropic stream, error event', format: 'anthropic.messages', provider: 'anthropic', answer: anthropicFailing('api_error'), call: async (t, u) => drain(await ant(t, u).messages.create({ ...messagesBody, stream: true })) },
  { name: 'anthropic stream, overloaded event', format: 'anthropic.messages', provider: 'anthropic', answer: anthropicFailing('overloaded_error'), call: async (t, u) => drain(await ant(t, u).messages.create({ ...messagesBody, stream: true })), differs: { errorType: 'OverloadedError' } },
  { name: 'anthropic 429', format: 'anthropic.messages', provider: 'anthropic', answer: anthropic.error(429), call: (t, u) => ant(t, u).messages.create(messagesBody) },
  { name: 'anthropic 529', format: 'anthropic.messages', provider: 'anthropic', answer: anthropic.error(529), call: (t, u) => ant(t, u).messages.create(messagesBody) },
  { name: 'gemini JSON', format: 'google.generate', provider: 'google', answer: google.generateContent(), call: (t, u) => gem(t, u).models.generateContent(geminiParams) },
  { name: 'gemini JSON, function calls', format: 'google.generate', provider: 'google', answer: google.generateContent({ tools: true }), call: (t, u) => gem(t, u).models.generateContent(geminiParams) },
  { name: 'gemini stream', format: 'google.generate', provider: 'google', answer: google.streamGenerateContent(), call: async (t, u) => drain(await gem(t, u).models.generateContentStream(geminiParams)) },
  { name: 'gemini stream, function call', format: 'google.generate', provider: 'google', answer: google.streamGenerateContent({ tools: true }), call: async (t, u) => drain(await gem(t, u).models.generateContentStream(geminiParams)) },
  { name: 'gemini batchEmbedContents', format: 'google.batchEmbed', provider: 'google', answer: (b) => google.batchEmbedContents(b), call: (t, u) => gem(t, u).models.embedContent({ model: 'gemini-embedding-001', contents: ['a', 'b'] }) },
  { name: 'vertex generateContent', format: 'google.generate', provider: 'google', answer: google.generateContent({ tools: true }), call: (t, u) => vertex(t, u).models.generateContent(geminiParams) },
  { name: 'vertex streamGenerateContent', format: 'google.generate', provider: 'google', answer: google.streamGenerateContent(), call: async (t, u) => drain(await vertex(t, u).models.generateContentStream(geminiParams)) },
  // Vertex AI's embedContent (Gemini embedding models) reports the prompt's tokens.
  { name: 'vertex embedContent', format: 'google.embed', provider: 'google', answer: { json: { embedding: { values: [0.25, -0.5] }, usageMetadata: { promptTokenCount: 7 } } },
    call: (t, u) => vertex(t, u).models.embedContent({ model: 'gemini-embedding-2', contents: 'a' }) },
  { name: 'gemini 500', format: 'google.generate', provider: 'google', answer: google.error(500), call: (t, u) => gem(t, u).models.generateContent(geminiParams) },
  // The one chosen difference: a Google 429 is a rate limit on the wire; the SDK throws its generic ApiError.
  { name: 'gemini 429', format: 'google.generate', provider: 'google', answer: google.error(429), call: (t, u) => gem(t, u).models.generateContent(geminiParams), differs: { errorType: 'RateLimitError' } },
];

describe.each([
  ['with content captured', true],
  // Without content the parsers take their short paths (the request scanned, not parsed; deltas skipped).
  ['without content', false],
])('parseWire gives the span the wrapper records, %s', (_what, captureContent) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { wrapper, call } = await compare(c, server, captureContent);
    if (wrapper.operation !== 'embed') expect(wrapper.content === null).toBe(!captureContent);
    // The comparison is not between two empty spans (the Gemini API says nothing of an embedding but its model).
    expect(wrapper.model).not.toBe('unknown');
    if (wrapper.status === 'ok' && c.format !== 'google.batchEmbed') expect(wrapper.inputTokens).toBeGreaterThan(0);
    expect(call.problem).toBeUndefined();
  });
});

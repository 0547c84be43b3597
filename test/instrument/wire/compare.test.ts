// The wire capture against the wrappers, table-driven: each call is made once by a wrapped client
// (instrumentOpenAI …) on one tracer and once by the same official client UNWRAPPED (or a bare
// fetch) under instrumentFetch on another; both go through real piscina workers to real OTLP/HTTP
// receivers, and the spans that arrive must agree field by field. The wrapped calls run while the
// wire capture is on: they must not reach its tracer (one call, one span).
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RactoTracer } from '../../pkg.js';
import { startHttpReceiver, type Receiver } from '../../e2e/receivers.js';
import * as fakeAnthropic from '../fakes/anthropic.js';
import * as fakeGoogle from '../fakes/google.js';
import * as fakeOpenAI from '../fakes/openai.js';
import { startFakeProvider, type FakeProvider, type Scripted } from '../fakes/server.js';
import { instrumentAnthropic, instrumentGoogleGenAI, instrumentOpenAI } from '../helpers.js';
import { BODIES_FROM, expectSameSpan, instrumentFetch, received } from './helpers.js';

let server: FakeProvider;
let wrappedAt: Receiver;
let wireAt: Receiver;

beforeAll(async () => {
  server = await startFakeProvider();
  wrappedAt = await startHttpReceiver();
  wireAt = await startHttpReceiver();
});
afterAll(async () => {
  await server.close();
  await wrappedAt.close();
  await wireAt.close();
});

const MESSAGES = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }];
const TOOLS = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
const CLAUDE = { model: 'claude-sonnet-4-6', max_tokens: 100, system: 'Answer briefly.', messages: [{ role: 'user', content: 'Weather?' }] };
const GEMINI = { model: 'gemini-2.5-flash', contents: 'Weather in Paris?', config: { systemInstruction: 'Answer briefly.' } };

/** One client of each kind: all wrapped on one side, all plain (under the wire capture) on the other. */
interface Clients {
  openai: OpenAI;
  anthropic: Anthropic;
  google: GoogleGenAI;
  /** Where a bare fetch goes (the fake provider), or undefined on the wrapped side (it uses `openai`). */
  bare: string | undefined;
}

interface Case {
  name: string;
  answer: Scripted;
  call(c: Clients): Promise<unknown>;
}

async function drain(stream: unknown): Promise<void> {
  for await (const _ of stream as AsyncIterable<unknown>) void _;
}

const chat = (c: Clients, extra: object = {}) => c.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, ...extra } as never);

const CASES: Case[] = [
  { name: 'OpenAI chat, JSON', answer: fakeOpenAI.chatCompletion(), call: (c) => chat(c) },
  { name: 'OpenAI chat, JSON with tool calls', answer: fakeOpenAI.chatCompletion({ tools: true }), call: (c) => chat(c, { tools: TOOLS }) },
  // The wrapper asks for usage itself (streamUsage); the unwrapped call asks as a gateway would.
  { name: 'OpenAI chat, streamed', answer: (b) => fakeOpenAI.chatStream(b), call: async (c) => drain(await chat(c, { stream: true, stream_options: { include_usage: true } })) },
  { name: 'OpenAI chat, streamed tool calls', answer: (b) => fakeOpenAI.chatStream(b, { tools: true }), call: async (c) => drain(await chat(c, { tools: TOOLS, stream: true, stream_options: { include_usage: true } })) },
  { name: 'OpenAI chat, 429', answer: fakeOpenAI.error(429), call: (c) => chat(c).catch(() => undefined) },
  {
    name: 'OpenAI chat, JSON, by a bare fetch',
    answer: fakeOpenAI.chatCompletion(),
    // The wrapped side uses the client: a bare fetch has no wrapper to compare with.
    call: async (c) => {
      if (c.bare === undefined) return chat(c);
      const r = await fetch(`${c.bare}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: MESSAGES }) });
      return r.json();
    },
  },
  { name: 'OpenAI responses, JSON', answer: { json: fakeOpenAI.responseObject() }, call: (c) => c.openai.responses.create({ model: 'gpt-4.1', instructions: 'Be brief.', input: 'look it up' }) },
  { name: 'OpenAI responses, streamed', answer: fakeOpenAI.responsesStream(), call: async (c) => drain(await c.openai.responses.create({ model: 'gpt-4.1', input: 'look it up', stream: true })) },
  { name: 'OpenAI embeddings', answer: (b) => fakeOpenAI.embeddings(b), call: (c) => c.openai.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] }) },
  { name: 'Anthropic messages, JSON', answer: fakeAnthropic.message(), call: (c) => c.anthropic.messages.create(CLAUDE as never) },
  { name: 'Anthropic messages, streamed tool use', answer: fakeAnthropic.messageStream({ tools: true }), call: async (c) => drain(await c.anthropic.messages.create({ ...CLAUDE, stream: true } as never)) },
  { name: 'Anthropic messages, 529', answer: fakeAnthropic.error(529), call: (c) => c.anthropic.messages.create(CLAUDE as never).catch(() => undefined) },
  { name: 'Gemini generateContent', answer: fakeGoogle.generateContent({ tools: true }), call: (c) => c.google.models.generateContent(GEMINI) },
  { name: 'Gemini streamGenerateContent', answer: fakeGoogle.streamGenerateContent(), call: async (c) => drain(await c.google.models.generateContentStream(GEMINI)) },
  { name: 'Gemini batchEmbedContents', answer: (b) => fakeGoogle.batchEmbedContents(b), call: (c) => c.google.models.embedContent({ model: 'gemini-embedding-001', contents: ['a', 'b'] }) },
];

function clients(url: string, wrap: RactoTracer | undefined): Clients {
  const openai = new OpenAI({ apiKey: 'k', baseURL: `${url}/v1`, maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: 'k', baseURL: url, maxRetries: 0 });
  const google = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: url } });
  if (wrap === undefined) return { openai, anthropic, google, bare: url };
  return { openai: instrumentOpenAI(openai, wrap), anthropic: instrumentAnthropic(anthropic, wrap), google: instrumentGoogleGenAI(google, wrap), bare: undefined };
}

describe(`the wire capture records what the wrappers record (bodies from the ${BODIES_FROM})`, () => {
  it('gives the same spans, field by field, through workers to an OTLP receiver, and records no wrapped call', async () => {
    // Content captured on both sides: it goes through the same redaction and truncation.
    const wrappedTracer = new RactoTracer({ otlpHttpEndpoint: wrappedAt.url, workers: 1, captureContent: true });
    const wireTracer = new RactoTracer({ otlpHttpEndpoint: wireAt.url, workers: 1, captureContent: true });
    const stop = instrumentFetch(wireTracer);
    try {
      const wrapped = clients(server.url, wrappedTracer);
      const plain = clients(server.url, undefined);
      for (const c of CASES) {
        server.answer(c.answer);
        await c.call(wrapped);
        server.answer(c.answer);
        await c.call(plain);
      }
    } finally {
      stop();
      await wrappedTracer.shutdown();
      await wireTracer.shutdown();
    }
    const fromWrapper = await received(wrappedAt.spans, CASES.length);
    const fromWire = await received(wireAt.spans, CASES.length);
    // One span a call on each side: the wrapped client's requests never reached the wire capture.
    expect(fromWrapper).toHaveLength(CASES.length);
    expect(fromWire).toHaveLength(CASES.length);
    expect(wireTracer.stats().wire.recorded).toBe(CASES.length);
    const byOrder = (spans: typeof fromWire) => [...spans].sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
    const wire = byOrder(fromWire);
    const wrappedSpans = byOrder(fromWrapper);
    CASES.forEach((c, i) => expectSameSpan(wire[i]!, wrappedSpans[i]!, c.name));
    // The comparison holds content and errors, not only empty spans: the first call's input
    // messages (OpenAI's system message among them), Anthropic's system instructions, the 429's error type.
    expect(JSON.parse(String(wire[0]!.attributes['gen_ai.input.messages']))).toHaveLength(2);
    expect(wire[9]!.attributes['gen_ai.system_instructions']).toBeDefined();
    expect(wire[4]!.attributes['error.type']).toBe('RateLimitError');
  });
});

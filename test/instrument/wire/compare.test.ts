// The wire capture against the wrappers, table-driven: each call is made once by a wrapped client
// (instrumentOpenAI …) on one tracer and once by the same official client UNWRAPPED (or a bare
// fetch) under instrumentFetch on another; both go through real piscina workers to real OTLP/HTTP
// receivers, and the spans that arrive must agree field by field. The wrapped calls run while the
// wire capture is on: they must not reach its tracer (one call, one span).
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RactoTracer } from '../../pkg.js';
import { startHttpReceiver, type Receiver } from '../../e2e/receivers.js';
import * as fakeOpenAI from '../fakes/openai.js';
import { startFakeProvider, type FakeProvider, type Scripted } from '../fakes/server.js';
import { instrumentOpenAI } from '../helpers.js';
import { BODY_CHUNKS, expectSameSpan, instrumentFetch, NO_CHUNKS_REASON, received } from './helpers.js';

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

const MESSAGES = [{ role: 'user', content: 'hi' }];
const TOOLS = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

interface Case {
  name: string;
  answer: Scripted;
  /** The call, made with `openai` (wrapped or not) or a bare fetch to `url`. */
  call(openai: OpenAI, url: string): Promise<unknown>;
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) void _;
}

const CASES: Case[] = [
  {
    name: 'OpenAI chat, JSON',
    answer: fakeOpenAI.chatCompletion(),
    call: (o) => o.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES } as never),
  },
  {
    name: 'OpenAI chat, JSON with tool calls',
    answer: fakeOpenAI.chatCompletion({ tools: true }),
    call: (o) => o.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, tools: TOOLS } as never),
  },
  {
    name: 'OpenAI chat, streamed with usage',
    answer: (body) => fakeOpenAI.chatStream(body),
    // The wrapper asks for usage itself (streamUsage); the unwrapped call asks as a gateway would.
    call: async (o) => drain(await o.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true, stream_options: { include_usage: true } } as never) as never),
  },
  {
    name: 'OpenAI chat, streamed tool calls',
    answer: (body) => fakeOpenAI.chatStream(body, { tools: true }),
    call: async (o) => drain(await o.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, tools: TOOLS, stream: true, stream_options: { include_usage: true } } as never) as never),
  },
  {
    name: 'OpenAI chat, JSON, by a bare fetch',
    answer: fakeOpenAI.chatCompletion(),
    // The wrapped side still uses the client: a bare fetch has no wrapper to compare with.
    call: async (o, url) => {
      if (o !== bare) return o.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES } as never);
      const r = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: MESSAGES }) });
      return r.json();
    },
  },
];

/** Stands for "no client: a bare fetch" in the bare-fetch case. */
const bare = new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 });

describe.skipIf(!BODY_CHUNKS)(`the wire capture records what the wrappers record${BODY_CHUNKS ? '' : ` (skipped: ${NO_CHUNKS_REASON})`}`, () => {
  it('gives the same spans, field by field, through workers to an OTLP receiver, and records no wrapped call', async () => {
    const wrappedTracer = new RactoTracer({ otlpHttpEndpoint: wrappedAt.url, workers: 1 });
    const wireTracer = new RactoTracer({ otlpHttpEndpoint: wireAt.url, workers: 1 });
    const stop = instrumentFetch(wireTracer);
    try {
      const wrapped = instrumentOpenAI(new OpenAI({ apiKey: 'k', baseURL: `${server.url}/v1`, maxRetries: 0 }), wrappedTracer);
      const plain = new OpenAI({ apiKey: 'k', baseURL: `${server.url}/v1`, maxRetries: 0 });
      for (const c of CASES) {
        server.answer(c.answer);
        await c.call(wrapped, server.url);
        server.answer(c.answer);
        await c.call(c.name.includes('bare fetch') ? bare : plain, server.url);
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
  });
});

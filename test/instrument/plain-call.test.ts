// A plain Stainless call is read and recorded through a record the wrapper reuses from call to
// call (src/instrument/plain-call.ts, issue 28): each span must still carry its own call's
// fields and nothing of the one before. The real `openai` and `@anthropic-ai/sdk` clients
// against a fake provider on 127.0.0.1.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as fake from './fakes/openai.js';
import { startFakeProvider, type FakeProvider } from './fakes/server.js';
import { instrumentAnthropic, instrumentOpenAI, memoryTracer, spansOf } from './helpers.js';
import type { RactoTracer } from '../pkg.js';

let server: FakeProvider;
let tracer: RactoTracer;
let client: OpenAI;

beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  tracer = memoryTracer(['tenant']);
  client = instrumentOpenAI(new OpenAI({ apiKey: 'test', baseURL: `${server.url}/v1`, maxRetries: 0 }), tracer, {
    attributes: (req) => (req.user ? { tenant: req.user } : undefined),
  });
});

const messages = [{ role: 'user' as const, content: 'hi' }];

/** A chat completion naming the model it was asked for, so that each span can be told apart. */
const echo = (body: any) => ({ json: { ...(fake.chatCompletion().json as object), id: `chatcmpl-${body.model}`, model: `${body.model}-answered` } });

describe('plain calls recorded through a reused record', () => {
  it('records a failed call after an answered one without the answered one’s tokens, id, model or attributes', async () => {
    server.answer(fake.chatCompletion(), fake.error(400));
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages, user: 'acme' });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const [ok, failed] = await spansOf(tracer, 2);
    expect(ok).toMatchObject({ status: 'ok', model: 'gpt-4o-mini', responseModel: fake.CHAT_MODEL, responseId: 'chatcmpl-1', inputTokens: 1200,
      finishReasons: ['stop'], attributes: { tenant: 'acme' } });
    expect(failed).toMatchObject({ status: 'error', errorType: 'BadRequestError', model: 'gpt-4o', responseModel: null, responseId: null,
      inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, finishReasons: [], attributes: {} });
  });

  it('records calls in flight at once each with its own model, answer and timing', async () => {
    server.answer(echo, echo, echo);
    const before = performance.now();
    const models = ['m-one', 'm-two', 'm-three'];
    await Promise.all(models.map((model) => client.chat.completions.create({ model, messages, user: model })));
    const spans = await spansOf(tracer, 3);
    expect(spans.map((s) => s.model).sort()).toEqual([...models].sort());
    for (const s of spans) {
      expect(s).toMatchObject({ status: 'ok', responseModel: `${s.model}-answered`, responseId: `chatcmpl-${s.model}`, attributes: { tenant: s.model } });
      expect(s.latencyMs).toBeLessThanOrEqual(performance.now() - before);
    }
  });

  it('records a call nobody awaits when its request fails, without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      server.answer(fake.error(500));
      void client.chat.completions.create({ model: 'gpt-4o-mini', messages });
      expect((await spansOf(tracer, 1))[0]).toMatchObject({ status: 'error', errorType: 'InternalServerError' });
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('records an Anthropic failure after an answered call without the answered one’s fields', async () => {
    const anthropic = instrumentAnthropic(new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 }), tracer);
    server.answer(
      { json: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-answered', content: [{ type: 'text', text: 'hi' }],
        stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 5 } } },
      { status: 400, json: { type: 'error', error: { type: 'invalid_request_error', message: 'fake 400' } } },
    );
    await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 8, messages });
    await expect(anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    const [ok, failed] = await spansOf(tracer, 2);
    expect(ok).toMatchObject({ provider: 'anthropic', status: 'ok', responseModel: 'claude-answered', responseId: 'msg_1', inputTokens: 10, outputTokens: 5 });
    expect(failed).toMatchObject({ provider: 'anthropic', status: 'error', errorType: 'BadRequestError', model: 'claude-haiku-4-5', responseModel: null,
      responseId: null, inputTokens: 0, outputTokens: 0, finishReasons: [] });
  });
});

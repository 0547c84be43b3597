// Arguments of the wrappers, and the rule that recording never changes what the caller gets.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fake from './fakes/openai.js';
import { startFakeProvider, type FakeProvider } from './fakes/server.js';
import { RactoTracer } from '../pkg.js';
import { instrumentAnthropic, instrumentGoogleGenAI, instrumentOpenAI, memoryTracer, onlySpan } from './helpers.js';

let server: FakeProvider;
beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());

const openai = (): OpenAI => new OpenAI({ apiKey: 'k', baseURL: `${server.url}/v1`, maxRetries: 0 });
const messages = [{ role: 'user' as const, content: 'hi' }];

describe('instrument arguments', () => {
  it.each([
    ['instrumentOpenAI', () => instrumentOpenAI({} as OpenAI, memoryTracer()), TypeError, /^client must be an OpenAI client instance/],
    ['instrumentAnthropic', () => instrumentAnthropic(null as unknown as Anthropic, memoryTracer()), TypeError, /^client must be an Anthropic client instance .*received null/],
    ['instrumentGoogleGenAI', () => instrumentGoogleGenAI(openai() as unknown as GoogleGenAI, memoryTracer()), TypeError, /^client must be a GoogleGenAI client instance/],
    ['a tracer', () => instrumentOpenAI(openai(), {} as never), TypeError, /^tracer must be a RactoTracer/],
    ['options', () => instrumentOpenAI(openai(), memoryTracer(), 'azure' as never), TypeError, /^options must be an object/],
    ['options.attributes', () => instrumentOpenAI(openai(), memoryTracer(), { attributes: { tenant: 'a' } as never }), TypeError, /^options\.attributes must be a function/],
    ['options.provider', () => instrumentOpenAI(openai(), memoryTracer(), { provider: '' }), RangeError, /^options\.provider must be a string of 1 to 256 characters \(received ""\)/],
    ['options.provider type', () => instrumentOpenAI(openai(), memoryTracer(), { provider: 7 as never }), TypeError, /^options\.provider must be a non-empty string \(received 7\)/],
    ['options.streamUsage', () => instrumentOpenAI(openai(), memoryTracer(), { streamUsage: 'no' as never }), TypeError, /^options\.streamUsage must be a boolean \(received "no"\)/],
  ])('refuses bad %s with an error naming it', (_, run, kind, message) => {
    expect(run).toThrow(kind);
    expect(run).toThrow(message);
  });

  it('returns the same client, wrapped in place, and refuses to wrap it twice', () => {
    const client = openai();
    const create = client.chat.completions.create;
    expect(instrumentOpenAI(client, memoryTracer())).toBe(client);
    expect(client).toBeInstanceOf(OpenAI);
    expect(client.chat.completions.create).not.toBe(create);
    expect(() => instrumentOpenAI(client, memoryTracer())).toThrow(/already instrumented/);
  });
});

describe('a recording problem never reaches the caller', () => {
  it('records the call without attributes when the attributes callback throws', async () => {
    const tracer = memoryTracer(['tenant']);
    const client = instrumentOpenAI(openai(), tracer, { attributes: () => { throw new Error('boom'); } });
    server.answer(fake.chatCompletion());
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(res.usage).toEqual(fake.CHAT_USAGE);
    expect(onlySpan(tracer)).toMatchObject({ attributes: {}, inputTokens: 1200, status: 'ok' });
  });

  it('records the call without attributes when they name a key the tracer does not know', async () => {
    const tracer = memoryTracer(['tenant']);
    const client = instrumentOpenAI(openai(), tracer, { attributes: () => ({ region: 'eu' }) });
    server.answer(fake.chatCompletion());
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(res.choices[0]!.message.content).toBe('Hello from the fake.');
    expect(onlySpan(tracer)).toMatchObject({ attributes: {}, outputTokens: 300 });
  });

  it('records the call without its response fields and content when the answer carries one the tracer refuses', async () => {
    const tracer = new RactoTracer({ inMemory: true, captureContent: true });
    const client = instrumentOpenAI(openai(), tracer);
    const answer = fake.chatCompletion();
    // A finish reason with U+001F, the separator the record keeps reasons apart with.
    (answer.json as { choices: { finish_reason: string }[] }).choices[0].finish_reason = 'stop\u001fnow';
    server.answer(answer);
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(res.choices[0]!.finish_reason).toBe('stop\u001fnow');
    const span = onlySpan(tracer);
    expect(span).toMatchObject({ model: 'gpt-4o-mini', responseModel: null, responseId: null, finishReasons: [], inputTokens: 1200, status: 'ok' });
    expect(span.inputMessages).toBeUndefined();
  });

  it('gives the caller the answer after the tracer is shut down (the record is counted as dropped)', async () => {
    const tracer = memoryTracer();
    const client = instrumentOpenAI(openai(), tracer);
    await tracer.shutdown();
    server.answer(fake.chatCompletion());
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(res.usage).toEqual(fake.CHAT_USAGE);
    expect(tracer.stats()).toMatchObject({ recorded: 1, dropped: 1, droppedByReason: { shutdown: 1 } });
  });
});

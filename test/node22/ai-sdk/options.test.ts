// aiSdkTelemetry()'s arguments: refused when malformed, and what each option does to the spans,
// seen through real generateText / streamText calls.
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { generateText, stepCountIs, streamText, tool, jsonSchema } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fakeOpenAI from '../../instrument/fakes/openai.js';
import { startFakeProvider, type FakeProvider } from '../../instrument/fakes/server.js';
import { RactoTracer } from '../../pkg.js';
import { aiSdkTelemetry, onlySpan, providers, recorded, settle, spansOf } from './helpers.js';

let server: FakeProvider;
beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());

const tracer = (): RactoTracer => new RactoTracer({ inMemory: true });

describe('aiSdkTelemetry arguments', () => {
  it.each([
    ['a tracer', () => aiSdkTelemetry({} as never), TypeError, /^tracer must be a RactoTracer/],
    ['options', () => aiSdkTelemetry(tracer(), 'openai' as never), TypeError, /^options must be an object \(received "openai"\)/],
    ['an unknown option', () => aiSdkTelemetry(tracer(), { providers: {} } as never), TypeError, /^options\.providers must be a known option/],
    ['options.attributes', () => aiSdkTelemetry(tracer(), { attributes: { tenant: 'a' } as never }), TypeError, /^options\.attributes must be a function/],
    ['options.provider', () => aiSdkTelemetry(tracer(), { provider: 'openai' as never }), TypeError, /^options\.provider must be a map of AI SDK provider ids to names, or a function/],
    ['a provider name', () => aiSdkTelemetry(tracer(), { provider: { lmstudio: 7 as never } }), TypeError, /^options\.provider\["lmstudio"\] must be a string \(received 7\)/],
    ['an empty provider name', () => aiSdkTelemetry(tracer(), { provider: { lmstudio: '' } }), RangeError, /^options\.provider\["lmstudio"\] must be a string of 1 to 256 characters/],
    ['options.maxOpenCalls', () => aiSdkTelemetry(tracer(), { maxOpenCalls: 0 }), RangeError, /^options\.maxOpenCalls must be an integer between 1 and 1000000 \(received 0\)/],
    ['a fractional maxOpenCalls', () => aiSdkTelemetry(tracer(), { maxOpenCalls: 1.5 }), RangeError, /^options\.maxOpenCalls must be an integer/],
    ['a maxOpenCalls string', () => aiSdkTelemetry(tracer(), { maxOpenCalls: '10' as never }), TypeError, /^options\.maxOpenCalls must be an integer \(received "10"\)/],
  ])('refuses %s with an error naming it', (_, run, kind, message) => {
    expect(run).toThrow(kind);
    expect(run).toThrow(message);
    expect(() => run()).toThrow(expect.objectContaining({ code: expect.stringMatching(/^RACTO_ERR_INVALID_(OPTION|ARG)$/) }));
  });
});

async function providerOf(name: string, options?: Parameters<typeof aiSdkTelemetry>[1]): Promise<string> {
  const { tracer: t, telemetry } = recorded(options);
  server.answer(fakeOpenAI.chatCompletion());
  await generateText({ model: providers(server, name).compatible('m'), prompt: 'hi', telemetry });
  return onlySpan(t).provider;
}

describe('the span provider', () => {
  it.each([
    ['lmstudio', 'lmstudio'],
    ['Mistral', 'mistral'],
    ['google.generative-ai', 'google'],
    ['google.vertex', 'vertex'],
    ['vertex.anthropic', 'vertex'],
    ['amazon-bedrock', 'bedrock'],
    ['azure', 'azure'],
    ['xai', 'xai'],
  ])('is the provider family of the AI SDK id %s.chat: %s', async (name, expected) => {
    expect(await providerOf(name)).toBe(expected);
  });

  it('comes from options.provider when it names the id or its first segment, the full id first', async () => {
    expect(await providerOf('lmstudio', { provider: { lmstudio: 'openai' } })).toBe('openai');
    expect(await providerOf('lmstudio', { provider: { 'lmstudio.chat': 'local', lmstudio: 'openai' } })).toBe('local');
    expect(await providerOf('ollama', { provider: { lmstudio: 'openai' } })).toBe('ollama');
  });

  it('comes from an options.provider function, the default rule where it returns undefined or throws', async () => {
    const map = (id: string): string | undefined => (id.startsWith('lmstudio.') ? 'local' : undefined);
    expect(await providerOf('lmstudio', { provider: map })).toBe('local');
    expect(await providerOf('groq', { provider: map })).toBe('groq');
    const warnings: string[] = [];
    diag.setLogger({ warn: (m: string) => void warnings.push(m), error() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
    try {
      expect(await providerOf('groq', { provider: () => { throw new Error('boom'); } })).toBe('groq');
    } finally {
      diag.disable();
    }
    expect(warnings.some((w) => w.includes('options.provider threw') && w.includes('boom'))).toBe(true);
  });
});

describe('options.attributes', () => {
  it('labels every step of an operation from its start event (functionId, the runtime context it includes)', async () => {
    const { tracer: t, telemetry } = recorded({
      attributes: (e) => ({ route: e.functionId ?? 'none', tenant: String((e.runtimeContext as { tenant?: string })?.tenant) }),
    }, ['route', 'tenant']);
    server.answer(fakeOpenAI.chatCompletion({ tools: true }), fakeOpenAI.chatCompletion());
    await generateText({
      // The AI SDK passes integrations only the runtime context keys the call includes.
      model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry: { ...telemetry, functionId: 'summarise', includeRuntimeContext: { tenant: true } },
      runtimeContext: { tenant: 'acme' }, stopWhen: stepCountIs(2),
      tools: { get_weather: tool({ inputSchema: jsonSchema({ type: 'object' }), execute: async () => 'sunny' }),
        get_time: tool({ inputSchema: jsonSchema({ type: 'object' }), execute: async () => 'noon' }) },
    });
    const spans = await spansOf(t, 2);
    expect(spans.map((s) => s.attributes)).toEqual([{ route: 'summarise', tenant: 'acme' }, { route: 'summarise', tenant: 'acme' }]);
  });

  it('records the call without its attributes when the tracer refuses them', async () => {
    const { tracer: t, telemetry } = recorded({ attributes: () => ({ region: 'eu' }) }, ['tenant']);
    server.answer(fakeOpenAI.chatCompletion());
    await generateText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry });
    expect(onlySpan(t)).toMatchObject({ status: 'ok', attributes: {} });
  });
});

describe('options.maxOpenCalls', () => {
  it('bounds only the calls in flight: finished operations never push one out', async () => {
    const { tracer: t, telemetry } = recorded({ maxOpenCalls: 1 });
    for (let i = 0; i < 3; i++) {
      server.answer(fakeOpenAI.chatCompletion({ tools: true }), fakeOpenAI.chatCompletion());
      await generateText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry, stopWhen: stepCountIs(2),
        tools: { get_weather: tool({ inputSchema: jsonSchema({ type: 'object' }), execute: async () => 'sunny' }),
          get_time: tool({ inputSchema: jsonSchema({ type: 'object' }), execute: async () => 'noon' }) } });
    }
    const spans = await spansOf(t, 6);
    expect(spans.map((s) => [s.status, s.toolCalls])).toEqual([['ok', 2], ['ok', 0], ['ok', 2], ['ok', 0], ['ok', 2], ['ok', 0]]);
  });

  it('remembers an operation between its steps while others finish, up to the bound', async () => {
    // Two inner generations finish while the outer one runs its tool, between its two steps.
    async function routes(maxOpenCalls: number): Promise<string[]> {
      const { tracer: t, telemetry } = recorded({ maxOpenCalls, attributes: (e) => ({ route: e.functionId ?? 'none' }) }, ['route']);
      const model = providers(server).openai.chat('gpt-4o-mini');
      const inner = (): Promise<unknown> => (server.answer(fakeOpenAI.chatCompletion()),
        generateText({ model, prompt: 'inner', telemetry: { ...telemetry, functionId: 'inner' } }));
      server.answer(fakeOpenAI.chatCompletion({ tools: true }));
      await generateText({ model, prompt: 'outer', telemetry: { ...telemetry, functionId: 'outer' }, stopWhen: stepCountIs(2),
        tools: { get_weather: tool({ inputSchema: jsonSchema({ type: 'object' }), execute: async () => (await inner(), await inner(), server.answer(fakeOpenAI.chatCompletion()), 'sunny') }),
          get_time: tool({ inputSchema: jsonSchema({ type: 'object' }), execute: async () => 'noon' }) } });
      return (await spansOf(t, 4)).map((s) => s.attributes.route ?? '-');
    }
    expect(await routes(3)).toEqual(['outer', 'inner', 'inner', 'outer']);
    // With room for one, the outer operation is forgotten while idle: its second step is still
    // recorded, without the attributes its start gave.
    expect(await routes(1)).toEqual(['outer', 'inner', 'inner', '-']);
  });

  it('lets the oldest open operation go past the bound, recording its call as cancelled', async () => {
    const { tracer: t, telemetry } = recorded({ maxOpenCalls: 1 });
    // A stream left by its consumer (a break, no abortSignal): the AI SDK tells no integration.
    server.answer((body) => fakeOpenAI.chatStream(body, { stopAfter: 2 }));
    const abandoned = streamText({ model: providers(server).compatible('gpt-4o-mini'), prompt: 'hi', telemetry });
    for await (const _ of abandoned.textStream) break;
    await settle();
    expect(t.spans).toHaveLength(0);
    server.answer(fakeOpenAI.chatCompletion());
    await generateText({ model: providers(server).openai.chat('gpt-4o-mini'), prompt: 'hi', telemetry });
    const spans = await spansOf(t, 2);
    expect(spans.map((s) => [s.provider, s.operation, s.status, s.errorType])).toEqual([
      ['lmstudio', 'stream', 'error', 'cancelled'], ['openai', 'chat', 'ok', null],
    ]);
  });
});

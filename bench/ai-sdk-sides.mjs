// What bench/ai-sdk-cost.mjs compares: the real AI SDK 7 with @ai-sdk/openai on a fetch that
// answers from memory, and three sides for its telemetry: none, ractogateway's aiSdkTelemetry, and
// the AI SDK's own @ai-sdk/otel on the OpenTelemetry SDK 3.x. Loads test/node22's packages.
import { RactoTracer } from '../dist/index.js';
import { aiSdkTelemetry } from '../dist/ai-sdk/index.js';

export const m = await import('../test/node22/modules.mjs');

const MODEL = 'gpt-4o-mini-2024-07-18';
const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
const JSON_BODY = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: MODEL,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from memory.' }, logprobs: null, finish_reason: 'stop' }], usage });
const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: MODEL };
const SSE = (() => {
  const chunk = (choices, extra = {}) => `data: ${JSON.stringify({ ...head, choices, ...extra })}\n\n`;
  let out = chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  for (const w of ['Hello', ' from', ' memory', '.', ' Bye', '.']) out += chunk([{ index: 0, delta: { content: w }, finish_reason: null }]);
  out += chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
  return `${out}${chunk([], { usage })}data: [DONE]\n\n`;
})();

async function memoryFetch(_url, init) {
  const body = JSON.parse(init.body);
  if (body.stream) return new Response(SSE, { headers: { 'content-type': 'text/event-stream' } });
  return new Response(JSON_BODY, { headers: { 'content-type': 'application/json' } });
}

const model = m.aiOpenAI.createOpenAI({ apiKey: 'k', fetch: memoryFetch }).chat('gpt-4o-mini');

/** The calls measured: one generateText (a chat completion) and one streamText (8 chunks, with usage). */
export const scenarios = {
  generateText: (telemetry) => m.ai.generateText({ model, prompt: 'hi', telemetry }),
  'streamText (8 chunks)': (telemetry) => m.ai.streamText({ model, prompt: 'hi', telemetry }).consumeStream(),
};

/** Each side (and a no-op integration with ractogateway's callbacks): its integrations, flush() (a window ends when it resolves), spans() acknowledged, close(). */
export function sides(receiver) {
  const none = { name: 'none', integrations: [], flush: async () => undefined, spans: () => 0, close: async () => undefined };

  const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${receiver.http}` });
  const racto = { name: 'ractogateway', integrations: [aiSdkTelemetry(tracer)], flush: () => tracer.flush(),
    spans: () => tracer.stats().exported, close: () => tracer.shutdown() };

  // As bench/sdk-side.mjs: a 65,536-span queue (the default 2,048 drops at these rates), batches
  // of 512, the OTLP/HTTP protobuf exporter; acknowledged spans counted from its own callback.
  const exporter = new m.otlpProto.OTLPTraceExporter({ url: `http://127.0.0.1:${receiver.http}/v1/traces`, concurrencyLimit: 256 });
  let acked = 0;
  const counting = {
    export(spans, done) {
      exporter.export(spans, (r) => {
        if (r.code === 0) acked += spans.length;
        done(r);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.(),
  };
  const provider = new m.otelSdk.TracerProvider({
    spanProcessors: [new m.otelSdk.BatchSpanProcessor({ exporter: counting, maxQueueSize: 65_536, maxExportBatchSize: 512 })],
  });
  const otel = { name: '@ai-sdk/otel', integrations: [new m.aiOtel.OpenTelemetry({ tracer: provider.getTracer('ai') })],
    flush: () => provider.forceFlush(), spans: () => acked, close: () => provider.shutdown() };
  // The AI SDK's own share of ractogateway's figure: it copies each event for every integration
  // that implements the event's callback, whatever the callback then does.
  const same = Object.fromEntries(Object.keys(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(racto.integrations[0])))
    .filter((k) => k.startsWith('on')).map((k) => [k, () => undefined]));
  const noop = { name: 'no-op, same callbacks', integrations: [same], flush: async () => undefined, spans: () => 0, close: async () => undefined };
  return [none, racto, otel, noop];
}

// Every callback of the AI SDK's Telemetry interface that generateText / streamText dispatch.
const KEYS = ['onStart', 'onStepStart', 'onLanguageModelCallStart', 'onLanguageModelCallEnd', 'onToolExecutionStart', 'onToolExecutionEnd',
  'onStepEnd', 'onStepError', 'onObjectStepStart', 'onObjectStepEnd', 'onEmbedStart', 'onEmbedEnd', 'onEnd', 'onAbort', 'onError'];

/**
 * The telemetry events one real call of `scenario` dispatches, in order, as [callback, event]
 * (executeLanguageModelCall with the model's result, recorded once it returns, before anything
 * else is dispatched): captured by an integration that implements every callback.
 */
export async function capture(scenario) {
  const events = [];
  const recorder = { executeLanguageModelCall: async ({ execute, ...event }) => {
    const result = await execute();
    events.push(['executeLanguageModelCall', event, result]);
    return result;
  } };
  for (const key of KEYS) recorder[key] = (event) => void events.push([key, event]);
  await scenarios[scenario]({ integrations: [recorder] });
  return events;
}

/**
 * A maker of calls that replay captured events, under a fresh call id, through the AI SDK's own
 * dispatcher (what generateText builds per call from its telemetry option; it copies each event
 * for each integration), awaiting each as the SDK does. The copies are made by the maker, before
 * a window starts.
 */
export function replayer(events) {
  let n = 0;
  return (telemetry) => {
    const callId = `bench-${n++}`;
    const own = events.map(([key, event, result]) => [key, { ...event, callId }, result]);
    return async () => {
      const d = m.aiInternal.createTelemetryDispatcher({ telemetry });
      for (const [key, event, result] of own) {
        if (key === 'executeLanguageModelCall') await d.executeLanguageModelCall({ ...event, execute: async () => result });
        else await d[key]?.(event);
      }
    };
  };
}

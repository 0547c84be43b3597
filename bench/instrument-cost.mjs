// The wrappers' main-thread cost per call, beside OpenLLMetry's, without a network:
//
//   node bench/instrument-cost.mjs [--rounds 31] [--calls 300] [--cases openai-chat,anthropic-stream] [--context als] [--dist dir]
//
// The real SDK clients (openai, @anthropic-ai/sdk, @google/genai) with a `fetch` that answers
// from memory in the provider's wire format (bench/canned.mjs: JSON bodies, SSE streams of 8
// events), called three ways in one process, the same body each time:
//   sdk           the plain client;
//   ractogateway  the same SDK through instrumentOpenAI / instrumentAnthropic /
//                 instrumentGoogleGenAI, on a RactoTracer exporting over OTLP/HTTP to
//                 bench/receiver.mjs (another process);
//   openllmetry   @traceloop/instrumentation-openai / -anthropic 0.27.0 (default config) on a
//                 BasicTracerProvider with a BatchSpanProcessor and the OTLP/HTTP protobuf exporter
//                 to the same receiver. OpenLLMetry has no instrumentation for @google/genai (its
//                 instrumentation-vertexai patches @google-cloud/vertexai), nor for OpenAI
//                 embeddings: those cells say n/a.
// Each round runs `calls` sequential calls per variant, in an order rotated from round to round;
// the figure is this thread's own CPU per call (the first field of /proc/self/task/<tid>/schedstat,
// brought up to date first: util.mjs threadCpuNs),
// so the tracer's worker and the SDK exporter's I/O threads are not in it, the export work either
// does on this thread is. Reported: the plain client's median, and each instrumentation's median
// over rounds of (its round − the plain client's round in the same round).
// --context als registers an AsyncLocalStorage context manager first (as an OTel SDK set-up does):
// the wrappers then capture the parent span at each call. INSTRUMENT_OBFUSCATION=1 sends OpenAI
// chunks with the `obfuscation` field after `usage`.
import Anthropic, * as AnthropicModule from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AnthropicInstrumentation } from '@traceloop/instrumentation-anthropic';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import OpenAI from 'openai';
import { pathToFileURL } from 'node:url';
import { anthropicFetch, googleFetch, openaiFetch } from './canned.mjs';
import { jsonOutput, machine, print, startReceiver, threadCpuNs } from './util.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const ROUNDS = Number(arg('rounds', 31));
const CALLS = Number(arg('calls', 300));
// --dist <dir>: another build of the package (to compare two commits in the same way).
const dist = pathToFileURL(`${arg('dist', new URL('../dist', import.meta.url).pathname)}/`);
const { RactoTracer } = await import(new URL('index.js', dist).href);
const { instrumentAnthropic, instrumentGoogleGenAI, instrumentOpenAI } = await import(new URL('instrument/index.js', dist).href);
// --baseline <dir>: one more variant, the wrappers of another build on the same tracer (before/after in one run).
const baselineDir = arg('baseline', undefined);
const baseline = baselineDir === undefined ? undefined : await import(pathToFileURL(`${baselineDir}/instrument/index.js`).href);
const CONTEXT = arg('context', 'none');
const OBFUSCATION = process.env.INSTRUMENT_OBFUSCATION === '1';
if (CONTEXT === 'als') context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const receiver = await startReceiver();
const tracer = new RactoTracer({ serviceName: 'bench-instrument', otlpHttpEndpoint: `http://127.0.0.1:${receiver.http}` });
await tracer.ready();
const provider = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${receiver.http}/v1/traces` }))],
});

/**
 * OpenLLMetry patches the SDK classes' prototypes; the patched methods are moved onto one
 * client's resource objects and the prototypes restored, so the other two clients run the SDK's own.
 */
function openllmetryOnly(instrumentation, module, protos, client, resources) {
  const originals = protos.map((p) => p.create);
  instrumentation.setTracerProvider(provider);
  instrumentation.manuallyInstrument(module);
  protos.forEach((p, i) => {
    const patched = p.create;
    p.create = originals[i];
    Object.defineProperty(resources(client)[i], 'create', { value: patched, configurable: true, writable: true });
  });
  return client;
}

const openaiOptions = { apiKey: 'k', maxRetries: 0, fetch: openaiFetch({ obfuscation: OBFUSCATION }) };
const openai = {
  sdk: new OpenAI(openaiOptions),
  ractogateway: instrumentOpenAI(new OpenAI(openaiOptions), tracer),
  ...(baseline && { baseline: baseline.instrumentOpenAI(new OpenAI(openaiOptions), tracer) }),
  openllmetry: openllmetryOnly(new OpenAIInstrumentation(), OpenAI, [OpenAI.Chat.Completions.prototype, OpenAI.Responses.prototype],
    new OpenAI(openaiOptions), (c) => [c.chat.completions, c.responses]),
};
const anthropicOptions = { apiKey: 'k', maxRetries: 0, fetch: anthropicFetch() };
const anthropic = {
  sdk: new Anthropic(anthropicOptions),
  ractogateway: instrumentAnthropic(new Anthropic(anthropicOptions), tracer),
  ...(baseline && { baseline: baseline.instrumentAnthropic(new Anthropic(anthropicOptions), tracer) }),
  // OpenLLMetry 0.27 also patches the legacy Completions API, which this SDK major no longer has.
  openllmetry: openllmetryOnly(new AnthropicInstrumentation(),
    { APIPromise: AnthropicModule.APIPromise, Anthropic: { Messages: Anthropic.Messages, Beta: Anthropic.Beta, Completions: AnthropicModule.Anthropic.Completions ?? class {} } }, [Anthropic.Messages.prototype],
    new Anthropic(anthropicOptions), (c) => [c.messages]),
};
const googleOptions = { apiKey: 'k', httpOptions: { fetch: googleFetch() } };
const google = { sdk: new GoogleGenAI(googleOptions), ractogateway: instrumentGoogleGenAI(new GoogleGenAI(googleOptions), tracer),
  ...(baseline && { baseline: baseline.instrumentGoogleGenAI(new GoogleGenAI(googleOptions), tracer) }) };

const messages = [{ role: 'user', content: 'Say hello.' }];
const drain = async (stream) => {
  let n = 0;
  for await (const _ of stream) n++;
  return n;
};
const CASES = {
  'openai-chat': { clients: openai, call: (c) => c.chat.completions.create({ model: 'gpt-4o-mini', messages }) },
  'openai-stream': { clients: openai, call: async (c) => drain(await c.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })) },
  // The caller asks for the usage itself: every variant receives the same bytes.
  'openai-stream-usage': { clients: openai,
    call: async (c) => drain(await c.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } })) },
  'openai-responses': { clients: openai, call: (c) => c.responses.create({ model: 'gpt-4.1', input: 'Say hello.' }) },
  'openai-embeddings': { clients: { sdk: openai.sdk, ractogateway: openai.ractogateway, ...(baseline && { baseline: openai.baseline }) }, call: (c) => c.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' }) },
  'anthropic-messages': { clients: anthropic, call: (c) => c.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages }) },
  'anthropic-stream': { clients: anthropic, call: async (c) => drain(await c.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages, stream: true })) },
  'google-generate': { clients: google, call: (c) => c.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Say hello.' }) },
  'google-stream': { clients: google, call: async (c) => drain(await c.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Say hello.' })) },
  'google-embed': { clients: google, call: (c) => c.models.embedContent({ model: 'gemini-embedding-001', contents: 'hello' }) },
};
const chosen = arg('cases', undefined)?.split(',') ?? Object.keys(CASES);

async function round(call, client) {
  const t = threadCpuNs();
  for (let i = 0; i < CALLS; i++) await call(client);
  return (threadCpuNs() - t) / CALLS / 1000;
}

const rows = [];
for (const name of chosen) {
  const { clients, call } = CASES[name];
  // --only sdk|ractogateway|openllmetry: that variant alone (to profile it with --cpu-prof).
  const only = arg('only', undefined);
  const variants = Object.keys(clients).filter((v) => only === undefined || v === only || v === 'sdk');
  for (let w = 0; w < 2; w++) for (const v of variants) await round(call, clients[v]); // warm-up
  const us = Object.fromEntries(variants.map((v) => [v, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = [...variants.slice(r % variants.length), ...variants.slice(0, r % variants.length)];
    for (const v of order) us[v].push(await round(call, clients[v]));
  }
  const added = (v) => (us[v] === undefined ? undefined : median(us[v].map((x, i) => x - us.sdk[i])));
  const ours = added('ractogateway');
  const theirs = added('openllmetry');
  rows.push({
    case: name, 'sdk µs/call': median(us.sdk).toFixed(1),
    'ractogateway +µs': ours.toFixed(2), ...(baseline && { 'baseline +µs': added('baseline').toFixed(2) }), 'openllmetry +µs': theirs === undefined ? 'n/a' : theirs.toFixed(2),
    'openllmetry / ractogateway': theirs === undefined ? 'n/a' : `${(theirs / ours).toFixed(1)}×`,
  });
}
await provider.shutdown();
await tracer.shutdown();
const s = tracer.stats();
await receiver.stop();
if (jsonOutput) console.log(JSON.stringify({ suite: 'instrument-cost', machine: machine(), rounds: ROUNDS, calls: CALLS, context: CONTEXT, rows, exported: s.exported, recorded: s.recorded }));
else {
  console.log(`bench/instrument-cost.mjs: ${machine()}; ${ROUNDS} rounds x ${CALLS} calls per variant; context manager: ${CONTEXT}; ${s.exported} of ${s.recorded} spans exported${OBFUSCATION ? '; chunks with obfuscation' : ''}`);
  print('Main-thread CPU per call above the plain client (median over rounds of the paired difference)', rows, Object.keys(rows[0]));
}

// The wire capture's main-thread cost (issue 28, Performance), with real HTTP over loopback:
//
//   node bench/wire-capture.mjs [--rounds 21] [--calls 200] [--chunks 8,64] [--cases fetch-chat,...]
//
// A fake OpenAI-compatible provider runs in its own process (bench/wire-provider.mjs), and an
// OTLP receiver in another (bench/receiver.mjs). In this process, in alternating rounds (order
// rotated from round to round), the same calls are made by:
//   off          the call with nothing recording it (a bare fetch, or the plain openai client);
//   wire         the same call under instrumentFetch, on a RactoTracer exporting over OTLP/HTTP
//                (the capture is switched on for its rounds only: instrumentFetch / its stop());
//   wrapper      the openai client through instrumentOpenAI on the same tracer (client cases);
//   openllmetry  the openai client through @traceloop/instrumentation-openai, a BatchSpanProcessor
//                and the OTLP/HTTP exporter to the same receiver (client cases).
// Reported per case: the plain call's main-thread CPU (median µs) and each variant's added CPU,
// the median over rounds of (its round − the plain round of the same round). Per streamed chunk:
// the wire capture's added cost at `chunks[1]` chunks minus at `chunks[0]`, over the extra chunks.
// Bytes allocated on the main thread per call: minor GCs counted (PerformanceObserver 'gc') with
// the young generation held to a 1 MiB semi-space (this script re-runs itself with
// --max-semi-space-size=1), over all rounds of a variant: scavenges × 1 MiB / calls, the method
// issue 28 used for the wrappers.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

if (!process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const child = spawn(process.execPath, ['--max-semi-space-size=1', ...process.execArgv, new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
  const [code] = await once(child, 'exit');
  process.exit(code ?? 1);
}

const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
const { OpenAIInstrumentation } = await import('@traceloop/instrumentation-openai');
const { default: OpenAI } = await import('openai');
const { jsonOutput, machine, median, print, startReceiver, threadCpuNs } = await import('./util.mjs');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const ROUNDS = Number(arg('rounds', 21));
const CALLS = Number(arg('calls', 200));
const CHUNKS = arg('chunks', '8,64').split(',').map(Number);
const dist = pathToFileURL(`${new URL('../dist', import.meta.url).pathname}/`);
const { RactoTracer } = await import(new URL('index.js', dist).href);
const { instrumentFetch, instrumentOpenAI } = await import(new URL('instrument/index.js', dist).href);

const provider = spawn(process.execPath, [new URL('./wire-provider.mjs', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
const [line] = await once(provider.stdout, 'data');
const base = `http://127.0.0.1:${JSON.parse(String(line)).port}`;
const receiver = await startReceiver();
const tracer = new RactoTracer({ serviceName: 'bench-wire', otlpHttpEndpoint: `http://127.0.0.1:${receiver.http}` });
await tracer.ready();
const otel = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${receiver.http}/v1/traces` }))] });

const clientOptions = { apiKey: 'k', baseURL: `${base}/v1`, maxRetries: 0 };
const plain = new OpenAI(clientOptions);
const wrapped = instrumentOpenAI(new OpenAI(clientOptions), tracer);
// OpenLLMetry patches the class prototype: the patched method is moved onto one client, the prototype restored.
const traceloop = new OpenAI(clientOptions);
{
  const proto = OpenAI.Chat.Completions.prototype;
  const original = proto.create;
  const inst = new OpenAIInstrumentation();
  inst.setTracerProvider(otel);
  inst.manuallyInstrument(OpenAI);
  const patched = proto.create;
  proto.create = original;
  Object.defineProperty(traceloop.chat.completions, 'create', { value: patched, configurable: true, writable: true });
}

const messages = [{ role: 'user', content: 'Say hello.' }];
const chatBody = JSON.stringify({ model: 'gpt-4o-mini', messages });
const streamBody = (n) => JSON.stringify({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true }, n });
async function bareFetch(body) {
  const r = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await r.arrayBuffer();
}
async function drain(stream) {
  for await (const _ of stream) void _;
}

// Each case: its plain call, and the clients of its variants (the wire variant uses the plain call).
const CASES = {
  'fetch-chat': { call: () => bareFetch(chatBody) },
  ...Object.fromEntries(CHUNKS.map((n) => [`fetch-stream-${n}`, { call: () => bareFetch(streamBody(n)) }])),
  'openai-chat': { call: (c = plain) => c.chat.completions.create({ model: 'gpt-4o-mini', messages }), clients: { wrapper: wrapped, openllmetry: traceloop } },
  ...Object.fromEntries(CHUNKS.map((n) => [`openai-stream-${n}`, {
    // `n` rides in the body (the fake provider reads it; the SDK sends unknown fields as given).
    call: async (c = plain) => drain(await c.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true }, n })),
    clients: { wrapper: wrapped, openllmetry: traceloop },
  }])),
};
const chosen = arg('cases', undefined)?.split(',') ?? Object.keys(CASES);

let scavenges = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
}).observe({ entryTypes: ['gc'] });

async function round(run) {
  const gcBefore = scavenges;
  const t = threadCpuNs();
  for (let i = 0; i < CALLS; i++) await run();
  const us = (threadCpuNs() - t) / CALLS / 1000;
  // The observer is told asynchronously: let it catch up before the count is read.
  await new Promise((r) => setImmediate(r));
  return { us, gcs: scavenges - gcBefore };
}

const rows = [];
const perCase = {};
for (const name of chosen) {
  const { call, clients = {} } = CASES[name];
  const variants = {
    off: () => call(),
    wire: () => call(),
    ...Object.fromEntries(Object.entries(clients).map(([v, c]) => [v, () => call(c)])),
  };
  const names = Object.keys(variants);
  const runVariant = async (v) => {
    const stop = v === 'wire' ? instrumentFetch(tracer) : undefined;
    try {
      return await round(variants[v]);
    } finally {
      stop?.();
    }
  };
  for (let w = 0; w < 2; w++) for (const v of names) await runVariant(v);
  const us = Object.fromEntries(names.map((v) => [v, []]));
  const gcs = Object.fromEntries(names.map((v) => [v, 0]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = [...names.slice(r % names.length), ...names.slice(0, r % names.length)];
    for (const v of order) {
      const res = await runVariant(v);
      us[v].push(res.us);
      gcs[v] += res.gcs;
    }
  }
  const added = (v) => median(us[v].map((x, i) => x - us.off[i]));
  // KB allocated per call above the plain call: scavenges of a 1 MiB semi-space.
  const kb = (v) => ((gcs[v] - gcs.off) * 1024) / (ROUNDS * CALLS);
  perCase[name] = { added: Object.fromEntries(names.map((v) => [v, added(v)])), kb: Object.fromEntries(names.map((v) => [v, kb(v)])) };
  rows.push({
    case: name, 'plain µs/call': median(us.off).toFixed(1),
    'wire +µs': added('wire').toFixed(2), 'wire +KB': kb('wire').toFixed(2),
    'wrapper +µs': clients.wrapper ? added('wrapper').toFixed(2) : 'n/a', 'wrapper +KB': clients.wrapper ? kb('wrapper').toFixed(2) : 'n/a',
    'openllmetry +µs': clients.openllmetry ? added('openllmetry').toFixed(2) : 'n/a', 'openllmetry +KB': clients.openllmetry ? kb('openllmetry').toFixed(2) : 'n/a',
  });
}
const [few, many] = CHUNKS;
const perChunk = (prefix) => {
  const a = perCase[`${prefix}-stream-${few}`];
  const b = perCase[`${prefix}-stream-${many}`];
  return a === undefined || b === undefined ? undefined : (b.added.wire - a.added.wire) / (many - few);
};
await otel.shutdown();
await tracer.shutdown();
const s = tracer.stats();
await receiver.stop();
provider.stdin.end();
const chunkRows = ['fetch', 'openai'].map((p) => ({ calls: p, 'wire +µs per chunk': perChunk(p)?.toFixed(3) ?? 'n/a' }));
if (jsonOutput) console.log(JSON.stringify({ suite: 'wire-capture', machine: machine(), rounds: ROUNDS, calls: CALLS, chunks: CHUNKS, rows, chunkRows, recorded: s.recorded, exported: s.exported, wire: s.wire }));
else {
  console.log(`bench/wire-capture.mjs: ${machine()}; ${ROUNDS} rounds x ${CALLS} calls per variant, real HTTP over loopback; ${s.exported} of ${s.recorded} spans exported (${s.wire.recorded} by the wire capture)`);
  print('Main-thread CPU and allocation per call above the plain call (median over rounds of the paired difference; KB from 1 MiB scavenges)', rows, Object.keys(rows[0]));
  print(`Wire capture per streamed chunk ((${many}-chunk stream − ${few}-chunk stream) / ${many - few})`, chunkRows, Object.keys(chunkRows[0]));
}

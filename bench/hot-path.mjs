// Hot path: main-thread cost of one recorded call, ractogateway against the plain OTel SDK, in
// one process and one run. Each task iteration records LOOP calls; figures are per call.
// After every iteration both sides flush (untimed), so neither measures its drop path.
import { fileURLToPath } from 'node:url';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Bench } from 'tinybench';
import { pathToFileURL } from 'node:url';
import { DiscardExporter } from './discard-exporter.mjs';
import { jsonOutput, machine, print, startReceiver } from './util.mjs';

// --dist <dir>: another build of the package, to compare two commits with the same script.
const distArg = process.argv.indexOf('--dist');
const dist = pathToFileURL(`${distArg < 0 ? new URL('../dist', import.meta.url).pathname : process.argv[distArg + 1]}/`);
const { RactoTracer } = await import(new URL('index.js', dist).href);
const LOOP = 1000;
const ROUNDS = 3;
const call = { provider: 'openai', model: 'gpt-4o', latencyMs: 812.5, inputTokens: 1200, outputTokens: 310, cacheHit: 'miss', toolCalls: 1 };
const discardModule = fileURLToPath(new URL('./discard-exporter.mjs', import.meta.url));

const receiver = await startReceiver();
const racto = new RactoTracer({ workerExporters: [{ module: discardModule, exportName: 'DiscardExporter' }] });
// A ring that stays full: its one batch in flight never settles (HangingExporter), so every call
// of the 'full ring' task is refused and counted (the overload path: ringFull).
const full = new RactoTracer({ ringCapacity: 64, maxExportBatchSize: 16, maxPendingBatches: 1, scheduledDelayMillis: 1,
  exportTimeoutMillis: 600_000, shutdownTimeoutMillis: 200,
  workerExporters: [{ module: discardModule, exportName: 'HangingExporter' }] });
await full.ready();
for (let i = 0; i < 200; i++) full.recordChatSpan(call);
await new Promise((resolve) => setTimeout(resolve, 100));
for (let i = 0; i < 200; i++) full.recordChatSpan(call);
const sdkDiscard = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new DiscardExporter())] });
const sdkOtlp = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${receiver.http}/v1/traces` }))],
});

function sdkCall(tracer) {
  const span = tracer.startSpan('llm.chat', { attributes: {
    'llm.provider': call.provider, 'llm.model': call.model, 'llm.operation': 'chat', 'llm.latency_ms': call.latencyMs,
    'llm.input_tokens': call.inputTokens, 'llm.output_tokens': call.outputTokens, 'llm.cache_hit': call.cacheHit,
    'llm.tool_calls': call.toolCalls,
  } });
  span.end();
}

const sdkDiscardTracer = sdkDiscard.getTracer('bench');
const sdkOtlpTracer = sdkOtlp.getTracer('bench');
const withEnd = { ...call, endTime: 0 };
const perCall = (t) => ({ mean: (t.result.latency.mean * 1e6) / LOOP, p99: (t.result.latency.p99 * 1e6) / LOOP });

/** One round of every task; per task name, the per-call mean and p99. */
async function round() {
  const flushRacto = { afterEach: () => racto.flush() };
  const bench = new Bench({ time: 1500, warmupTime: 300 });
  bench
    .add('ractogateway recordChatSpan', () => { for (let i = 0; i < LOOP; i++) racto.recordChatSpan(call); }, flushRacto)
    .add('ractogateway recordChatSpan, caller passes endTime', () => {
      withEnd.endTime = performance.now(); // the gateway read this clock anyway to know the latency
      for (let i = 0; i < LOOP; i++) racto.recordChatSpan(withEnd);
    }, flushRacto)
    .add('ractogateway recordChatSpan on a full ring (dropped, counted)', () => { for (let i = 0; i < LOOP; i++) full.recordChatSpan(call); })
    .add('OTel SDK, BatchSpanProcessor, discarding exporter', () => { for (let i = 0; i < LOOP; i++) sdkCall(sdkDiscardTracer); },
      { afterEach: () => sdkDiscard.forceFlush() })
    .add('OTel SDK, BatchSpanProcessor, OTLP HTTP exporter', () => { for (let i = 0; i < LOOP; i++) sdkCall(sdkOtlpTracer); },
      { afterEach: () => sdkOtlp.forceFlush() });
  await bench.run();
  // The same record call with a context manager registered: context capture is no longer a no-op.
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const bench2 = new Bench({ time: 1500, warmupTime: 300 });
  bench2.add('ractogateway recordChatSpan, AsyncLocalStorage context manager', () => {
    for (let i = 0; i < LOOP; i++) racto.recordChatSpan(call);
  }, flushRacto);
  await bench2.run();
  context.disable();
  return [...bench.tasks, ...bench2.tasks].map((t) => ({ task: t.name, ...perCall(t) }));
}

// ROUNDS rounds, every task in each; the median round per task is reported (absolute times on
// these shared VMs move by tens of percent from one round to the next).
const rounds = [];
for (let r = 0; r < ROUNDS; r++) rounds.push(await round());
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const medians = rounds[0].map((first, i) => ({
  task: first.task,
  mean: median(rounds.map((r) => r[i].mean)),
  p99: median(rounds.map((r) => r[i].p99)),
  means: rounds.map((r) => r[i].mean),
}));
const base = medians[0];
const rows = medians.map((c) => ({
  task: c.task,
  'mean ns/call (median of rounds)': c.mean.toFixed(1),
  'p99 ns/call (batch of 1000)': c.p99.toFixed(1),
  'x ractogateway': (c.mean / base.mean).toFixed(1),
  'round means': c.means.map((m) => m.toFixed(0)).join(' / '),
}));
const stats = racto.stats();
const fullStats = full.stats();
await racto.shutdown();
await full.shutdown();
await sdkDiscard.shutdown();
await sdkOtlp.shutdown();
await receiver.stop();

const result = { bench: 'hot-path', machine: machine(), loop: LOOP, rounds: ROUNDS, rows, ractoStats: { recorded: stats.recorded, exported: stats.exported, dropped: stats.dropped, failed: stats.failed }, fullRing: { recorded: fullStats.recorded, ringFull: fullStats.droppedByReason.ringFull } };
if (jsonOutput) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`machine: ${result.machine}`);
  print(`Hot path (main thread, per call, loop-amortised; median of ${ROUNDS} rounds)`, rows, Object.keys(rows[0]));
  console.log(`\nractogateway during the run: recorded ${stats.recorded}, exported ${stats.exported}, dropped ${stats.dropped}, failed ${stats.failed}`);
  console.log(`full-ring tracer: recorded ${fullStats.recorded}, dropped ${fullStats.droppedByReason.ringFull} (ringFull), pending ${fullStats.pending}`);
}

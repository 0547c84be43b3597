// A short simulated gateway on the path a real one uses: 100,000 LLM calls recorded at about
// 50,000/s, exported over OTLP/HTTP by the worker pool to a local receiver in another process
// (bench/receiver.mjs, which acknowledges and counts the spans). Run with `npm run demo`.
//
// CPU figures: main thread = /proc/self/task/<pid>/schedstat (its on-CPU ns; process.cpuUsage()
// where there is no /proc), whole process = process.cpuUsage() (every thread). The same driver
// runs first without a tracer (median of three passes) and is subtracted, so the figures are the
// tracer's own. One tracer pass on a shared VM moves them by a few hundred ns and a couple of µs
// from run to run; bench/cpu.mjs measures them over rounds and separate processes.
// Estimated spend is computeCost() (the tracer's pricing) applied to the calls it accepted.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { computeCost, RactoTracer } from '../dist/index.js';

const CALLS = 100_000;
const RATE = 50_000; // calls per second, recorded in 5 ms ticks
const models = [
  ['openai', 'gpt-4o-2024-08-06'], ['openai', 'gpt-4o-mini'], ['anthropic', 'claude-sonnet-4-6'], ['google', 'gemini-2.0-flash'],
  ['acme', 'acme-llm-7b'],
];
const tenants = ['alpha', 'beta', 'gamma'];

/** Call i of the simulated traffic: every 10th an embedding, streams, errors, cached input. */
function call(i) {
  const [provider, model] = models[i % models.length];
  if (i % 10 === 0) return { embed: true, provider, model, latencyMs: 20 + (i % 30), inputTokens: 300 };
  const input = 500 + (i % 700);
  const error = i % 97 === 0;
  return {
    provider, model, latencyMs: 200 + (i % 900), inputTokens: input, outputTokens: 100 + (i % 300),
    cachedInputTokens: provider === 'anthropic' ? input >> 1 : 0, cacheHit: i % 13 === 0 ? 'exact' : 'miss',
    toolCalls: i % 5 === 0 ? 1 : 0, status: error ? 'error' : 'ok', errorType: error ? 'RateLimitError' : undefined,
    operation: i % 3 === 0 ? 'stream' : 'chat', attributes: { tenant: tenants[i % 3] },
  };
}

const schedstat = `/proc/self/task/${process.pid}/schedstat`;
const hasSchedstat = existsSync(schedstat);
const mainCpuNs = () => (hasSchedstat ? Number(readFileSync(schedstat, 'latin1').split(' ')[0]) : wholeCpuNs());
const wholeCpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

/** Records every call due by now each 5 ms tick; keeps the calls a while, as a gateway would. */
async function pass(tracer, calls = CALLS) {
  const held = new Array(1024);
  const accepted = new Uint8Array(CALLS);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const main0 = mainCpuNs();
  const whole0 = wholeCpuNs();
  const start = performance.now();
  let i = 0;
  while (i < calls) {
    const due = Math.min(calls, Math.floor(((performance.now() - start) * RATE) / 1000) + 1);
    for (; i < due; i++) {
      const c = (held[i & 1023] = call(i));
      if (tracer) accepted[i] = c.embed ? tracer.recordEmbedSpan(c) : tracer.recordChatSpan(c);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await tracer?.flush(); // the window ends once every span is acknowledged, so export work counts
  const out = { mainNs: mainCpuNs() - main0, wholeNs: wholeCpuNs() - whole0, loopP99Ms: loop.percentile(99) / 1e6, accepted };
  loop.disable();
  return out;
}

const receiver = spawn(process.execPath, [new URL('../bench/receiver.mjs', import.meta.url).pathname, '--count-spans'], {
  stdio: ['pipe', 'pipe', 'inherit', 'ipc'],
});
const [line] = await once(receiver.stdout, 'data');
const { http: port } = JSON.parse(String(line).split('\n')[0]);

// The driver alone, before any tracer exists: warmed up (JIT), then three passes, the median kept.
await pass(null, 20_000);
const alone = [await pass(null), await pass(null), await pass(null)];
const median = (key) => alone.map((p) => p[key]).sort((a, b) => a - b)[1];
const driver = { mainNs: median('mainNs'), wholeNs: median('wholeNs'), loopP99Ms: median('loopP99Ms') };
const tracer = new RactoTracer({ serviceName: 'demo-gateway', otlpHttpEndpoint: `http://127.0.0.1:${port}`, attributeKeys: ['tenant'] });
await tracer.ready();
// A gateway runs for hours: one pass warms the tracer up (JIT in both threads, the ring's pages),
// the next is measured. Both are exported and counted below.
const warm = await pass(tracer);
const traced = await pass(tracer);
const s = tracer.stats();
await tracer.shutdown();
receiver.send('count');
const [acked] = await once(receiver, 'message');
receiver.stdin.end();
await once(receiver, 'exit');

let spend = 0;
for (let i = 0; i < 2 * CALLS; i++) {
  const c = call(i % CALLS);
  if ((i < CALLS ? warm : traced).accepted[i % CALLS]) spend += computeCost(c.model, c.inputTokens, c.outputTokens ?? 0, undefined, { cachedInputTokens: c.cachedInputTokens });
}
const n = (x) => x.toLocaleString('en');
const mainNet = (traced.mainNs - driver.mainNs) / CALLS;
const wholeNet = (traced.wholeNs - driver.wholeNs) / CALLS;
console.log(`calls recorded       ${n(s.recorded)} at ~${n(RATE)}/s, a warm-up pass and a measured one (exported ${n(s.exported)}, dropped ${n(s.dropped)}, failed ${n(s.failed)}, pending ${n(s.pending)})`);
console.log(`receiver acked       ${n(acked.spans)} spans in ${n(acked.requests)} OTLP/HTTP requests (stats().destinations.otlpHttp.exported: ${n(s.destinations.otlpHttp.exported)})`);
console.log(`main thread CPU      ${mainNet.toFixed(0)} ns per call, net of the driver alone (${(traced.mainNs / CALLS).toFixed(0)} - ${(driver.mainNs / CALLS).toFixed(0)})${hasSchedstat ? '' : ' [no /proc: whole process]'}`);
console.log(`whole process CPU    ${(wholeNet / 1000).toFixed(2)} µs per span, all threads, net of the driver alone`);
console.log(`event-loop delay p99 ${traced.loopP99Ms.toFixed(2)} ms (driver alone: ${driver.loopP99Ms.toFixed(2)} ms)`);
console.log(`unpriced calls       ${JSON.stringify(s.unpricedCalls)}`);
console.log(`estimated spend      $${spend.toFixed(4)} (computeCost over the accepted calls: the same prices as the spans, here from genai-prices)`);

// A short simulated gateway: records calls through the worker pool and prints a summary.
// Needs no collector: spans go to an in-process SpanExporter that tallies what it receives.
// Run with `npm run demo`.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RactoTracer } from '../dist/index.js';

class TallyExporter {
  spans = 0;
  costUsd = 0;
  errors = 0;
  export(spans, done) {
    for (const s of spans) {
      this.spans++;
      this.costUsd += s.attributes['llm.cost_usd'];
      if (s.status.code === 2) this.errors++;
    }
    done({ code: 0 });
  }
  async shutdown() {}
}

const models = [
  ['openai', 'gpt-4o-2024-08-06'], ['openai', 'gpt-4o-mini'], ['anthropic', 'claude-sonnet-4-6'], ['google', 'gemini-2.0-flash'],
  ['acme', 'acme-llm-7b'],
];
const tenants = ['alpha', 'beta', 'gamma'];
const tally = new TallyExporter();
const tracer = new RactoTracer({ serviceName: 'demo-gateway', customExporter: tally, attributeKeys: ['tenant'] });
await tracer.ready();
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

// 100,000 requests at about 50,000 requests/s: bursts of 1,000 calls every 20 ms.
const REQUESTS = 100_000;
let recordMs = 0;
let burstStart = performance.now();
for (let i = 0; i < REQUESTS; i++) {
  const [provider, model] = models[i % models.length];
  if (i % 10 === 0) {
    tracer.recordEmbedSpan({ provider, model, latencyMs: 20 + (i % 30), inputTokens: 300 });
  } else {
    const input = 500 + (i % 700);
    tracer.recordChatSpan({
      provider, model, latencyMs: 200 + (i % 900), inputTokens: input, outputTokens: 100 + (i % 300),
      cachedInputTokens: provider === 'anthropic' ? input >> 1 : undefined,
      cacheHit: i % 13 === 0 ? 'exact' : 'miss', toolCalls: i % 5 === 0 ? 1 : 0,
      status: i % 97 === 0 ? 'error' : 'ok', errorType: i % 97 === 0 ? 'RateLimitError' : undefined,
      operation: i % 3 === 0 ? 'stream' : 'chat', attributes: { tenant: tenants[i % 3] },
    });
  }
  if (i % 1000 === 999) {
    recordMs += performance.now() - burstStart; // each burst is timed as a whole, not call by call
    await new Promise((r) => setTimeout(r, 20));
    burstStart = performance.now();
  }
}
await tracer.shutdown();
loop.disable();

const s = tracer.stats();
console.log(`requests recorded      ${s.recorded}`);
console.log(`spans exported         ${s.exported} (dropped ${s.dropped}, failed ${s.failed}, pending ${s.pending})`);
console.log(`spans seen by exporter ${tally.spans}, errors ${tally.errors}`);
console.log(`estimated spend        $${tally.costUsd.toFixed(4)} (gpt-4o-2024-08-06 priced as gpt-4o by alias)`);
console.log(`unpriced calls         ${JSON.stringify(s.unpricedCalls)}`);
console.log(`record call, mean      ${((recordMs * 1e6) / REQUESTS).toFixed(0)} ns of main-thread time (bursts of 1,000 calls)`);
console.log(`event-loop delay p99   ${(loop.percentile(99) / 1e6).toFixed(2)} ms`);

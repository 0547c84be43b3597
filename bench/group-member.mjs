// One process of bench/metrics-group.mjs: a RactoTracer with metrics only, on the group's port
// (argv: port, socket dir or 'alone', series), that records one call of each of `series` label
// sets (series / 2 models x chat, embed) and prints `ready`. On stdin: `load` records one call
// every 100 ms from then on (so its metrics change every report interval), `quiet` stops that.
import { createInterface } from 'node:readline';
import { RactoTracer } from '../dist/index.js';

const [port, dir, count] = process.argv.slice(2);
const series = Number(count);
const tracer = new RactoTracer({
  prometheusPort: Number(port), metricsSocketDir: dir === 'alone' ? false : dir, scheduledDelayMillis: 100, maxStrings: 8192,
});
await tracer.ready();
for (let i = 0; i < series; i++) {
  const call = { provider: 'openai', model: `model-${i >> 1}`, latencyMs: 10 + (i % 500), inputTokens: 100 + i, outputTokens: 10 };
  if (i % 2 === 0) tracer.recordChatSpan(call);
  else tracer.recordEmbedSpan(call);
}
await tracer.flush();
process.stdout.write('ready\n');
let timer;
let n = 0;
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'load') {
    timer ??= setInterval(() => tracer.recordChatSpan({ provider: 'openai', model: `model-${n++ % (series >> 1)}`, latencyMs: 20 }), 100);
  } else if (line === 'quiet') {
    clearInterval(timer);
    timer = undefined;
  }
}

// The record call's cost with issue 32's signals, on the main thread: the same tight loop of
// recordChatSpan (a discarding workerExporters module, so the ring drains as in production) for
// each variant, each alone in a fresh process (variants sharing a process would share the record
// call's type feedback and make each other's property loads polymorphic), the processes taking
// turns for ROUNDS rounds; a process reports the median of its inner rounds, the table the median
// over the rounds.
//   bare       a call without any new field (also against another build, argv[2]: what a call
//              without them pays for the feature: the B/A ratio)
//   saved      a gateway-cache hit with savedInputTokens / savedOutputTokens
//   limits     rateLimits (4 values) and retryAfterMs, as a wrapper passes them
//   chunks     a stream with chunkTiming
//   all        every signal at once
// Usage: node bench/signals.mjs [other build's dist]   (this build: ../dist)
//        node bench/signals.mjs --variant <name> <dist>   (one process's side)
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const discard = fileURLToPath(new URL('./discard-exporter.mjs', import.meta.url));
const bare = { provider: 'openai', model: 'gpt-4o', latencyMs: 812.5, inputTokens: 1200, outputTokens: 310, cacheHit: 'miss', toolCalls: 1 };
const rateLimits = { requestsRemaining: 9987, requestsLimit: 10000, tokensRemaining: 29998500, tokensLimit: 30000000 };
const variants = {
  bare,
  saved: { provider: 'openai', model: 'gpt-4o', latencyMs: 2.5, cacheHit: 'exact', savedInputTokens: 1200, savedOutputTokens: 310 },
  limits: { ...bare, rateLimits, retryAfterMs: 7000 },
  chunks: { ...bare, operation: 'stream', timeToFirstTokenMs: 120, chunkTiming: { chunks: 85, afterFirstMs: 690, maxGapMs: 40 } },
  all: { ...bare, cacheHit: 'exact', inputTokens: 0, outputTokens: 0, savedInputTokens: 1200, savedOutputTokens: 310, rateLimits, retryAfterMs: 7000,
    operation: 'stream', chunkTiming: { chunks: 85, afterFirstMs: 690, maxGapMs: 40 } },
};
const LOOP = 1000;
const N = 100;
const ROUNDS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function side(name, dist) {
  const { RactoTracer } = await import(new URL('index.js', pathToFileURL(`${dist}/`)).href);
  const t = new RactoTracer({ workerExporters: [{ module: discard, exportName: 'DiscardExporter' }] });
  await t.ready();
  const call = variants[name];
  const rounds = [];
  for (let r = 0; r < 13; r++) {
    let ns = 0;
    for (let k = 0; k < N; k++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < LOOP; i++) t.recordChatSpan(call);
      ns += Number(process.hrtime.bigint() - start);
      if (k % 32 === 31) await t.flush();
    }
    await t.flush();
    if (r >= 3) rounds.push(ns / (N * LOOP));
  }
  await t.shutdown();
  console.log(median(rounds));
}

if (process.argv[2] === '--variant') {
  await side(process.argv[3], process.argv[4]);
} else {
  const self = fileURLToPath(import.meta.url);
  const here = fileURLToPath(new URL('../dist', import.meta.url));
  const sides = [...Object.keys(variants).map((name) => ({ label: name, name, dist: here })),
    ...(process.argv[2] === undefined ? [] : [{ label: 'bare, other build', name: 'bare', dist: process.argv[2] }])];
  const results = sides.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    sides.forEach((s, i) => results[i].push(Number(execFileSync(process.execPath, [self, '--variant', s.name, s.dist], { encoding: 'utf8' }).trim())));
  }
  const base = median(results[0]);
  console.log(`bench/signals.mjs: each side alone in its process, ${ROUNDS} rounds taking turns, medians (Node ${process.version})`);
  sides.forEach((s, i) => {
    const m = median(results[i]);
    console.log(`  ${s.label.padEnd(18)} ${m.toFixed(1).padStart(7)} ns a call   ${(m / base).toFixed(3)} x bare`);
  });
}

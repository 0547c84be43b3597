// The record call of two builds, alternating in one process: the same tight loop of
// recordChatSpan on a tracer of each build (a discarding workerExporters module, so the ring is
// drained as in production), round after round, and the median of the rounds. For checking that
// a change leaves the request path's cost where it was. argv[2], argv[3]: the two built packages
// (default ../dist for both); argv[4]: 'bare' (the hot-path call) or 'response' (with the
// response fields the wrappers pass).
import { fileURLToPath, pathToFileURL } from 'node:url';

const dists = [process.argv[2], process.argv[3]].map((d) => (d === undefined ? new URL('../dist/', import.meta.url) : pathToFileURL(`${d}/`)));
const kind = process.argv[4] ?? 'bare';
const discard = fileURLToPath(new URL('./discard-exporter.mjs', import.meta.url));
const bare = { provider: 'openai', model: 'gpt-4o', latencyMs: 812.5, inputTokens: 1200, outputTokens: 310, cacheHit: 'miss', toolCalls: 1 };
const response = { ...bare, responseModel: 'gpt-4o-2024-08-06', responseId: 'chatcmpl-AbCdEfGhIjKlMnOpQrStUvWxYz0123', finishReasons: ['stop'],
  serverAddress: 'api.openai.com', serverPort: 443 };
const call = kind === 'response' ? response : bare;
const LOOP = 1000;
const N = 200;

const tracers = [];
for (const d of dists) {
  const { RactoTracer } = await import(new URL('index.js', d).href);
  const t = new RactoTracer({ workerExporters: [{ module: discard, exportName: 'DiscardExporter' }] });
  await t.ready();
  tracers.push(t);
}

async function round(t) {
  let ns = 0;
  for (let k = 0; k < N; k++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < LOOP; i++) t.recordChatSpan(call);
    ns += Number(process.hrtime.bigint() - start);
    if (k % 32 === 31) await t.flush();
  }
  await t.flush();
  return ns / (N * LOOP);
}

const results = [[], []];
for (let r = 0; r < 3; r++) for (const t of tracers) await round(t);
for (let r = 0; r < 15; r++) for (let i = 0; i < 2; i++) results[i].push(await round(tracers[i]));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const t of tracers) await t.shutdown();
const [a, b] = results.map(median);
console.log(`bench/record-ab.mjs ${kind}: A ${process.argv[2] ?? 'dist'} ${a.toFixed(1)} ns a call, B ${process.argv[3] ?? 'dist'} ${b.toFixed(1)} ns a call (medians of 15 alternating rounds of ${N * LOOP}); B/A ${(b / a).toFixed(3)}`);

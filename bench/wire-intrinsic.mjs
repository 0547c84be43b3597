// The wire capture's own main-thread cost, without the network's noise (issue 28, Performance):
//
//   node bench/wire-intrinsic.mjs [--rounds 15] [--exchanges 20000]   (re-runs itself with --max-semi-space-size=1)
//
// The exact messages undici publishes for one exchange (create, bodyChunkSent, headers, n ×
// bodyChunkReceived, trailers: a 1 KB-class chat request and answer, the answer's chunks of an
// OpenAI completion) are published on node:diagnostics_channel in a loop, with instrumentFetch on
// (a RactoTracer whose worker parses and discards) and off, alternating rounds. Reported: the
// median over rounds of the paired difference per exchange (1 chunk, 64 chunks, and per extra
// chunk), and KB allocated per exchange (minor GCs of a 1 MiB semi-space, as wire-capture.mjs).
// Loopback HTTP (wire-capture.mjs) adds the same work plus the worker's interference on 2 cores.
import { spawn } from 'node:child_process';
import dc from 'node:diagnostics_channel';
import { once } from 'node:events';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { jsonOutput, machine, median, print } from './util.mjs';

// The KB figure needs the young generation held to a 1 MiB semi-space: re-run with it.
if (!process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const child = spawn(process.execPath, ['--max-semi-space-size=1', ...process.execArgv, new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
  const [code] = await once(child, 'exit');
  process.exit(code ?? 1);
}

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const ROUNDS = Number(arg('rounds', 15));
const N = Number(arg('exchanges', 20000));
const dist = pathToFileURL(`${new URL('../dist', import.meta.url).pathname}/`);
const { RactoTracer } = await import(new URL('index.js', dist).href);
const { instrumentFetch } = await import(new URL('instrument/index.js', dist).href);
const tracer = new RactoTracer({ workerExporters: [{ module: new URL('./discard-exporter.mjs', import.meta.url).pathname, exportName: 'DiscardExporter' }] });
await tracer.ready();

const ch = Object.fromEntries(['create', 'bodyChunkSent', 'headers', 'bodyChunkReceived', 'trailers'].map((n) => [n, dc.channel(`undici:request:${n}`)]));
const reqBody = Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] }));
const resBody = Buffer.from(JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion', created: 1, model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hello! How can I help you today?' } }], usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 } }));
// Raw headers as undici hands them over: Buffers, name then value.
const headers = ['content-type', 'application/json', 'content-length', String(resBody.length), 'date', 'Sun, 06 Dec 2026 11:00:00 GMT', 'connection', 'keep-alive']
  .map((s) => Buffer.from(s));

function exchange(chunks) {
  const request = { method: 'POST', path: '/v1/chat/completions', origin: 'https://api.openai.com' };
  ch.create.publish({ request });
  ch.bodyChunkSent.publish({ request, chunk: reqBody });
  ch.headers.publish({ request, response: { statusCode: 200, headers, statusText: 'OK' } });
  for (let i = 0; i < chunks; i++) ch.bodyChunkReceived.publish({ request, chunk: resBody });
  ch.trailers.publish({ request, trailers: [] });
}
const run = (chunks) => {
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) exchange(chunks);
  return Number(process.hrtime.bigint() - t) / N;
};

let gcs = 0;
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs++;
}).observe({ entryTypes: ['gc'] });
const settle = () => new Promise((r) => setTimeout(r, 50));
const ns = { off1: [], on1: [], off64: [], on64: [] };
const minor = { off1: 0, on1: 0 };
for (let r = -2; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
  for (const v of order) {
    const stop = v === 'on' ? instrumentFetch(tracer) : undefined;
    // GC entries arrive asynchronously: the last round's are in before the count starts.
    await settle();
    const g = gcs;
    const one = run(1);
    await settle();
    const allocated = gcs - g;
    const many = run(64);
    stop?.();
    if (r >= 0) {
      ns[`${v}1`].push(one);
      ns[`${v}64`].push(many);
      minor[`${v}1`] += allocated;
    }
    // The worker drains what was recorded before the next round.
    await settle();
  }
}
const d1 = median(ns.on1.map((x, i) => x - ns.off1[i]));
const d64 = median(ns.on64.map((x, i) => x - ns.off64[i]));
const kb = ((minor.on1 - minor.off1) * 1024) / (ROUNDS * N);
const s = tracer.stats();
await tracer.shutdown();
const rows = [{ 'µs / exchange (1 chunk)': (d1 / 1000).toFixed(3), 'µs / exchange (64 chunks)': (d64 / 1000).toFixed(3), 'µs / extra chunk': ((d64 - d1) / 63 / 1000).toFixed(4),
  'KB / exchange': kb.toFixed(3) }];
if (jsonOutput) console.log(JSON.stringify({ suite: 'wire-intrinsic', machine: machine(), rounds: ROUNDS, exchanges: N, rows, wire: s.wire }));
else {
  console.log(`bench/wire-intrinsic.mjs: ${machine()}; ${ROUNDS} rounds x ${N} exchanges per side; ${s.wire.recorded} exchanges recorded, ${s.wire.arenaFull} without bytes (arena full at this synthetic rate), ${s.droppedByReason.ringFull} dropped (ring full)`);
  print('The wire capture\'s own main-thread cost (median of paired rounds)', rows, Object.keys(rows[0]));
}

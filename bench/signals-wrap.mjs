// What reading the rate-limit headers and timing the chunks (issue 32) adds to a wrapped call:
// the real `openai` client with an in-memory fetch (bench/canned.mjs's answers, here with or
// without OpenAI's six x-ratelimit-* headers), instrumentOpenAI on a RactoTracer exporting to a
// discarding exporter, each side alone in a fresh process, sides taking turns for ROUNDS rounds:
//   base, headers sent   another build (argv[2], the branch point): headers ignored
//   this, headers sent   this build: the headers read, validated, recorded
//   base / this, no headers   the same without any rate-limit header (this build: one look, nothing recorded)
// Per side: main-thread CPU per call (schedstat) and bytes allocated per call: V8's own count
// (v8.getHeapStatistics().total_allocated_bytes, Node 26 on) or, before it, the heap's growth over
// the window with a large young generation (a side whose window saw a GC says so: its figure is
// then low). Plain and streamed chat calls.
// Usage: node bench/signals-wrap.mjs <other build's dist>   (Node 26 for exact bytes)
//        node bench/signals-wrap.mjs --paired   (this build only: wrapped and plain clients, with and
//        without the headers, alternating in rounds of 200 calls in one process, paired medians:
//        the headers' own cost, net of building them in the fixture, is (wrapped+h - wrapped) - (sdk+h - sdk))
import { execFileSync } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openaiFetch } from './canned.mjs';
import { median, threadCpuNs } from './util.mjs';

const CALLS = 1000;
const ROUNDS = 5;
const LIMITS = {
  'x-ratelimit-limit-requests': '10000', 'x-ratelimit-remaining-requests': '9987', 'x-ratelimit-reset-requests': '6m0s',
  'x-ratelimit-limit-tokens': '30000000', 'x-ratelimit-remaining-tokens': '29998500', 'x-ratelimit-reset-tokens': '20ms',
};

/** canned.mjs's fetch, each answer copied with (or without) the rate-limit headers: both sides make the same copy. */
function cannedFetch(withLimits) {
  const inner = openaiFetch();
  return async (url, init) => {
    const r = await inner(url, init);
    const headers = new Headers(r.headers);
    if (withLimits) for (const [k, v] of Object.entries(LIMITS)) headers.set(k, v);
    return new Response(r.body, { status: r.status, headers });
  };
}

async function side(dist, headers, stream) {
  const { RactoTracer } = await import(new URL('index.js', pathToFileURL(`${dist}/`)).href);
  const { instrumentOpenAI } = await import(new URL('instrument/index.js', pathToFileURL(`${dist}/`)).href);
  const { default: OpenAI } = await import('openai');
  const tracer = new RactoTracer({ workerExporters: [{ module: fileURLToPath(new URL('./discard-exporter.mjs', import.meta.url)), exportName: 'DiscardExporter' }] });
  await tracer.ready();
  const client = instrumentOpenAI(new OpenAI({ apiKey: 'k', maxRetries: 0, fetch: cannedFetch(headers) }), tracer);
  const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }], stream };
  const run = async (n) => {
    for (let i = 0; i < n; i++) {
      const r = await client.chat.completions.create(body);
      if (stream) for await (const _ of r) void _;
    }
  };
  await run(CALLS);
  await tracer.flush();
  globalThis.gc();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => { gcs += list.getEntries().length; });
  obs.observe({ entryTypes: ['gc'] });
  const allocated = () => getHeapStatistics().total_allocated_bytes ?? process.memoryUsage().heapUsed;
  const exact = getHeapStatistics().total_allocated_bytes !== undefined;
  const heap = allocated();
  const cpu = threadCpuNs();
  await run(CALLS);
  const us = (threadCpuNs() - cpu) / CALLS / 1000;
  const bytes = (allocated() - heap) / CALLS;
  await new Promise((r) => setTimeout(r, 10));
  obs.disconnect();
  if (exact) gcs = 0;
  await tracer.shutdown();
  console.log(JSON.stringify({ us, bytes, gcs }));
}

async function paired() {
  const { RactoTracer } = await import(new URL('../dist/index.js', import.meta.url).href);
  const { instrumentOpenAI } = await import(new URL('../dist/instrument/index.js', import.meta.url).href);
  const { default: OpenAI } = await import('openai');
  const tracer = new RactoTracer({ workerExporters: [{ module: fileURLToPath(new URL('./discard-exporter.mjs', import.meta.url)), exportName: 'DiscardExporter' }] });
  await tracer.ready();
  const client = (h) => new OpenAI({ apiKey: 'k', maxRetries: 0, fetch: cannedFetch(h) });
  const sides = [['wrapped, headers', instrumentOpenAI(client(true), tracer)], ['wrapped, none', instrumentOpenAI(client(false), tracer)],
    ['sdk, headers', client(true)], ['sdk, none', client(false)]];
  const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
  const us = sides.map(() => []);
  for (let r = -3; r < 25; r++) {
    for (let i = 0; i < sides.length; i++) {
      const t = threadCpuNs();
      for (let k = 0; k < 200; k++) await sides[i][1].chat.completions.create(body);
      if (r >= 0) us[i].push((threadCpuNs() - t) / 200 / 1000);
    }
  }
  await tracer.shutdown();
  const net = median(us[0].map((x, r) => x - us[1][r] - (us[2][r] - us[3][r])));
  console.log(`bench/signals-wrap.mjs --paired (Node ${process.version}, 25 rounds of 200 calls): ${sides.map(([n], i) => `${n} ${median(us[i]).toFixed(1)}`).join(', ')} µs/call;`,
    `reading the headers: +${net.toFixed(1)} µs/call (paired median)`);
}

if (process.argv[2] === '--paired') {
  await paired();
} else if (process.argv[2] === '--side') {
  await side(process.argv[3], process.argv[4] === 'headers', process.argv[5] === 'stream');
} else {
  const self = fileURLToPath(import.meta.url);
  const here = fileURLToPath(new URL('../dist', import.meta.url));
  const other = process.argv[2];
  if (other === undefined) throw new Error('usage: node bench/signals-wrap.mjs <other build dist>');
  for (const kind of ['plain', 'stream']) {
    const sides = [['base, headers sent', other, 'headers'], ['this, headers sent', here, 'headers'], ['base, no headers', other, 'none'], ['this, no headers', here, 'none']];
    const got = sides.map(() => []);
    for (let r = 0; r < ROUNDS; r++) {
      sides.forEach(([, dist, h], i) => got[i].push(JSON.parse(execFileSync(process.execPath,
        ['--expose-gc', '--max-semi-space-size=512', self, '--side', dist, h, kind], { encoding: 'utf8' }).trim())));
    }
    console.log(`bench/signals-wrap.mjs ${kind} chat.completions.create, ${CALLS} calls a side, ${ROUNDS} rounds, medians (Node ${process.version})`);
    const base = got[0];
    sides.forEach(([label], i) => {
      const us = median(got[i].map((x) => x.us));
      const bytes = median(got[i].map((x) => x.bytes));
      const gcs = got[i].reduce((n, x) => n + x.gcs, 0);
      console.log(`  ${label.padEnd(20)} ${us.toFixed(1).padStart(6)} µs/call CPU ${(us / median(base.map((x) => x.us))).toFixed(3)} x base   ${bytes.toFixed(0).padStart(7)} B/call${gcs > 0 ? ` (${gcs} GCs in windows)` : ''}`);
    });
  }
}

// Metrics and sampling: what they cost, where.
//
//   node bench/metrics.mjs [--json]
//
// 1. Worker, per record: SeriesTable.addRecords() (the metrics aggregation a drain loop runs on
//    each claimed range) and TailSampler.sample(), on a batch of 2048 typical chat records (4
//    models, 3 tenants as a metric label, some errors and streams), CPU time of this process,
//    median of 5 rounds. Run in this process on the built modules, as bench/worker-stages.mjs.
// 2. A scrape: a tracer with prometheusPort and 40 models x 3 tenants of recorded calls; another
//    process GETs /metrics 50 times in a row. Reported: the scrape's wall time as the client
//    sees it, the bytes, and the main thread's CPU per scrape (first field of
//    /proc/<pid>/task/<pid>/schedstat across the 50 scrapes, less a window of the same length in
//    which the same child process waits instead of scraping), and how often the main thread
//    ran in each window: a scrape should not wake it at all.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { takeRange } from '../dist/worker/build.js';
import { SeriesTable } from '../dist/worker/metrics/series.js';
import { TailSampler } from '../dist/worker/metrics/sampling.js';
import { createRing } from '../dist/shared/ring.js';
import { emptyFields, encodeRecord } from '../dist/shared/codec.js';
import { CACHE_MISS, CACHE_SHIFT, FLAG_ATTRS, FLAG_ERROR, FLAG_USAGE, OP_CHAT, OP_STREAM } from '../dist/shared/layout.js';
import { StringTableReader, StringTableWriter } from '../dist/shared/strings.js';
import { PriceResolver } from '../dist/pricing/cost.js';
import { RactoTracer } from '../dist/index.js';
import { jsonOutput, machine, print, threadCpuNs } from './util.mjs';

const BATCH = 2048;
const ROUNDS = 5;
const ROUND_MS = 150;
const SCRAPES = 50;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// --- 1. per record, in a worker's code --------------------------------------------------------
const writer = new StringTableWriter(1024, 64 * 1024);
const models = [['openai', 'gpt-4o'], ['openai', 'gpt-4o-mini'], ['anthropic', 'claude-sonnet-4-6'], ['google', 'gemini-2.0-flash']]
  .map(([p, m]) => ({ providerId: writer.intern(p), modelId: writer.intern(m) }));
const tenants = ['acme', 'globex', 'initech'].map((t) => writer.intern(t));
const errorId = writer.intern('RateLimitError');
const ring = createRing(BATCH);
const r = emptyFields();
for (let i = 0; i < BATCH; i++) {
  const m = models[i % 4];
  const stream = i % 5 === 0;
  const error = i % 50 === 0;
  r.providerId = m.providerId;
  r.modelId = m.modelId;
  r.errorId = error ? errorId : 0;
  r.flags = (stream ? OP_STREAM : OP_CHAT) | (CACHE_MISS << CACHE_SHIFT) | FLAG_ATTRS | (error ? FLAG_ERROR : 0) | (stream ? FLAG_USAGE : 0);
  r.latencyMs = 200 + ((i * 7919) % 3000);
  r.inputTokens = 200 + ((i * 104729) % 4000);
  r.outputTokens = 20 + (i % 800);
  r.ttftMs = stream ? 80 : -1;
  r.toolCalls = i % 3;
  r.attrs[0] = tenants[i % 3];
  encodeRecord(ring, i, r);
}
const ctx = {
  strings: new StringTableReader(writer.buffer),
  prices: new PriceResolver({}),
  timeOrigin: performance.timeOrigin,
  spanNames: 'seed',
  attributeKeys: ['tenant'],
};
const range = takeRange(ring, 0, BATCH, ctx);
const labelled = new SeriesTable([0], 2000);
const plain = new SeriesTable([], 2000);
const sampler = new TailSampler({ ratio: 0.05, keepErrors: true, keepSlowerThanMs: Infinity });

function perRecord(fn) {
  const t0 = cpuMs();
  let reps = 0;
  while (reps < 4 || cpuMs() - t0 < ROUND_MS) {
    fn();
    reps++;
  }
  return ((cpuMs() - t0) * 1e6) / (reps * BATCH);
}
const stages = [
  ['metrics aggregation, no metric labels', () => plain.addRecords(range.records, BATCH, ctx)],
  ['metrics aggregation, tenant label', () => labelled.addRecords(range.records, BATCH, ctx)],
  // A fresh copy each time: sample() compacts the range it is given.
  ['tail sampling (ratio 0.05), incl. a fresh copy', () => sampler.sample(takeRange(ring, 0, BATCH, ctx))],
  ['the fresh copy alone (takeRange), to subtract', () => takeRange(ring, 0, BATCH, ctx)],
];
for (const [, fn] of stages) for (let i = 0; i < 200; i++) fn();
const rounds = [];
for (let round = 0; round < ROUNDS; round++) rounds.push(stages.map(([, fn]) => perRecord(fn)));
const worker = stages.map(([stage], i) => ({ stage, nsPerRecord: median(rounds.map((row) => row[i])).toFixed(1), rounds: rounds.map((row) => row[i].toFixed(1)).join(' ') }));

// --- 2. a scrape ------------------------------------------------------------------------------
const tracer = new RactoTracer({ prometheusPort: 0, attributeKeys: ['tenant'], metricAttributes: ['tenant'] });
await tracer.ready();
for (let i = 0; i < 20_000; i++) {
  tracer.recordChatSpan({ provider: 'openai', model: `model-${i % 40}`, latencyMs: 100 + (i % 900), inputTokens: 500, outputTokens: 80, attributes: { tenant: `tenant-${i % 3}` } });
}
await tracer.flush();
const schedstat = `/proc/${process.pid}/task/${process.pid}/schedstat`;
const mainNs = threadCpuNs;
// The scraper, in another process. 'dry' mode waits as long without scraping: the window the
// scrapes are compared with has the same child process, pipe and exit on the main thread.
const client = `
  const [url, dryMs] = process.argv.slice(1);
  const times = [];
  let bytes = 0;
  if (dryMs !== undefined) await new Promise((resolve) => setTimeout(resolve, Number(dryMs)));
  else for (let i = 0; i < ${SCRAPES + 5}; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    const text = await res.text();
    if (i >= 5) { times.push(performance.now() - t0); bytes = text.length; }
  }
  console.log(JSON.stringify({ times, bytes }));
`;
const runClient = (...args) => new Promise((resolve, reject) => {
  const p = spawn(process.execPath, ['--input-type=module', '-e', client, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`scraper exited ${code}`))));
});
const schedRuns = () => Number(readFileSync(schedstat, 'latin1').split(' ')[2]);
// Settle first (the recording above leaves garbage and optimisation work on the main thread).
await new Promise((resolve) => setTimeout(resolve, 2000));
const m0 = mainNs();
const r0 = schedRuns();
const w0 = performance.now();
const scraped = await runClient(`http://127.0.0.1:${tracer.prometheusPort}/metrics`);
const scrapeWindowNs = mainNs() - m0;
const scrapeRuns = schedRuns() - r0;
const windowMs = performance.now() - w0;
const m1 = mainNs();
const r1 = schedRuns();
await runClient('-', String(Math.round(windowMs)));
const idleWindowNs = mainNs() - m1;
const idleRuns = schedRuns() - r1;
const mainPerScrapeUs = (scrapeWindowNs - idleWindowNs) / (SCRAPES + 5) / 1000;
await tracer.shutdown();
const scrape = [{
  'series (requests_total)': 120,
  'bytes': scraped.bytes,
  'wall ms p50': median(scraped.times).toFixed(2),
  'wall ms max': Math.max(...scraped.times).toFixed(2),
  'main-thread µs per scrape (net of idle)': mainPerScrapeUs.toFixed(1),
  'main-thread runs: scrape window / dry window': `${scrapeRuns} / ${idleRuns}`,
}];

if (jsonOutput) {
  console.log(JSON.stringify({ suite: 'metrics', machine: machine(), batch: BATCH, worker, scrape }, null, 2));
} else {
  console.log(`metrics and sampling; ${machine()}`);
  print(`Worker CPU ns per record (batch of ${BATCH}, median of ${ROUNDS} rounds)`, worker, ['stage', 'nsPerRecord', 'rounds']);
  print(`A scrape of /metrics (${SCRAPES} in a row from another process)`, scrape, Object.keys(scrape[0]));
}

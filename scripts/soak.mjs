// npm run soak [-- --seconds S --rate R --down-every D --down-for F --export-timeout T --spool]
// Records at a steady rate for S seconds, exporting over OTLP/HTTP to a receiver in another
// process that is killed every D seconds and restarted F seconds later on the same port. Prints
// the accounting once a second and at the end, with peak RSS and heap, and exits non-zero if the
// books do not balance (recorded != exported + dropped + failed + pending) or spans are left
// pending after shutdown. Not part of `npm test`.
// --spool: with a disk spool in a temporary directory (exportTimeoutMillis T, default 1000 ms
// then, so that an outage of F seconds outlasts it); reports the bytes spooled and the replay
// rate (spans leaving the spool per second while the receiver is up), and waits (at most 120 s)
// for the spool to empty before shutdown.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RactoTracer } from '../dist/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const SECONDS = arg('seconds', 30);
const RATE = arg('rate', 20_000);
const DOWN_EVERY = arg('down-every', 8);
const DOWN_FOR = arg('down-for', 3);
const SPOOL = process.argv.includes('--spool');
const EXPORT_TIMEOUT = arg('export-timeout', SPOOL ? 1_000 : 5_000);
const spoolDir = SPOOL ? mkdtempSync(join(tmpdir(), 'racto-soak-spool-')) : undefined;

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const port = await freePort();
let receiver;
async function receiverUp() {
  receiver = spawn(process.execPath, [new URL('../bench/receiver.mjs', import.meta.url).pathname, '--http-port', String(port)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await once(receiver.stdout, 'data');
}
async function receiverDown() {
  receiver.kill('SIGKILL');
  await once(receiver, 'exit');
  receiver = undefined;
}

await receiverUp();
const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${port}`, exportTimeoutMillis: EXPORT_TIMEOUT, spoolDir });
await tracer.ready();

let peakRss = 0;
let peakHeap = 0;
// The spool: its peak bytes and spans, and per second while the receiver is up, the spans that left it.
let peakSpoolBytes = 0;
let peakSpooled = 0;
let lastSpooled = 0;
const replayRates = [];
const start = performance.now();
const line = (label) => {
  const s = tracer.stats();
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  const f = s.failedByReason;
  peakSpoolBytes = Math.max(peakSpoolBytes, s.spool.bytes);
  peakSpooled = Math.max(peakSpooled, s.spooled);
  if (receiver && s.spooled < lastSpooled) replayRates.push(lastSpooled - s.spooled);
  lastSpooled = s.spooled;
  const spool = SPOOL ? ` spooled ${s.spooled} (${(s.spool.bytes / 2 ** 20).toFixed(1)} MB)` : '';
  console.log(`${label.padEnd(6)} ${receiver ? 'up  ' : 'DOWN'} recorded ${s.recorded} exported ${s.exported} dropped ${s.dropped} ` +
    `failed ${s.failed} (error ${f.exportError}, timeout ${f.exportTimeout}, crash ${f.workerCrash}, shutdown ${f.shutdownTimeout}, spoolFull ${f.spoolFull}) ` +
    `pending ${s.pending}${spool}  rss ${(m.rss / 2 ** 20).toFixed(0)} MB heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MB`);
  return s;
};

const call = { provider: 'openai', model: 'gpt-4o', latencyMs: 420, inputTokens: 900, outputTokens: 200 };
let done = 0;
let nextReport = 1;
let flapping = Promise.resolve();
let nextDown = DOWN_EVERY;
await new Promise((resolve) => {
  const tick = () => {
    const elapsed = (performance.now() - start) / 1000;
    const due = Math.floor(elapsed * RATE);
    for (; done < due; done++) tracer.recordChatSpan(call);
    if (elapsed >= nextReport) {
      line(`${nextReport}s`);
      nextReport++;
    }
    if (elapsed >= nextDown && receiver !== undefined) {
      nextDown += DOWN_EVERY;
      flapping = receiverDown().then(() => new Promise((r) => setTimeout(r, DOWN_FOR * 1000))).then(receiverUp);
    }
    if (elapsed < SECONDS) setTimeout(tick, 1);
    else resolve();
  };
  tick();
});
await flapping;
if (SPOOL) {
  const t0 = performance.now();
  for (let n = 1; tracer.stats().spooled > 0 && performance.now() - t0 < 120_000; n++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    line(`+${n}s`);
  }
  console.log(`spool emptied ${((performance.now() - t0) / 1000).toFixed(1)} s after the load stopped`);
}
await tracer.shutdown();
const s = line('end');
if (SPOOL) {
  const mean = replayRates.length === 0 ? 0 : replayRates.reduce((a, b) => a + b, 0) / replayRates.length;
  console.log(`spool: peak ${(peakSpoolBytes / 2 ** 20).toFixed(1)} MB on disk (${peakSpooled} spans, ${(peakSpoolBytes / Math.max(1, peakSpooled)).toFixed(0)} B a span); ` +
    `replay ${mean.toFixed(0)} spans/s mean, ${Math.max(0, ...replayRates)} spans/s peak, over ${replayRates.length} s of draining`);
  rmSync(spoolDir, { recursive: true, force: true });
}
await receiverDown();
console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB, peak heap ${(peakHeap / 2 ** 20).toFixed(0)} MB over ${SECONDS} s at ${RATE}/s`);
const balanced = s.recorded === s.exported + s.dropped + s.failed + s.pending;
if (!balanced || s.pending !== 0) {
  console.error('accounting does not balance');
  process.exit(1);
}

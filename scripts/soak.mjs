// npm run soak [-- --seconds S --rate R --down-every D --down-for F]
// Records at a steady rate for S seconds, exporting over OTLP/HTTP to a receiver in another
// process that is killed every D seconds and restarted F seconds later on the same port. Prints
// the accounting once a second and at the end, with peak RSS and heap, and exits non-zero if the
// books do not balance (recorded != exported + dropped + failed + pending) or spans are left
// pending after shutdown. Not part of `npm test`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { RactoTracer } from '../dist/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const SECONDS = arg('seconds', 30);
const RATE = arg('rate', 20_000);
const DOWN_EVERY = arg('down-every', 8);
const DOWN_FOR = arg('down-for', 3);

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
const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${port}`, exportTimeoutMillis: 5_000 });
await tracer.ready();

let peakRss = 0;
let peakHeap = 0;
const start = performance.now();
const line = (label) => {
  const s = tracer.stats();
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  const f = s.failedByReason;
  console.log(`${label.padEnd(6)} ${receiver ? 'up  ' : 'DOWN'} recorded ${s.recorded} exported ${s.exported} dropped ${s.dropped} ` +
    `failed ${s.failed} (error ${f.exportError}, timeout ${f.exportTimeout}, crash ${f.workerCrash}, shutdown ${f.shutdownTimeout}) ` +
    `pending ${s.pending}  rss ${(m.rss / 2 ** 20).toFixed(0)} MB heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MB`);
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
await tracer.shutdown();
const s = line('end');
await receiverDown();
console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB, peak heap ${(peakHeap / 2 ** 20).toFixed(0)} MB over ${SECONDS} s at ${RATE}/s`);
const balanced = s.recorded === s.exported + s.dropped + s.failed + s.pending;
if (!balanced || s.pending !== 0) {
  console.error('accounting does not balance');
  process.exit(1);
}

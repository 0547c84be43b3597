// A collector outage at full traffic (issue 29): offered rate x outage length -> spans dropped,
// the spool's intake (spans/s, MB/s), its replay (spans/s), the time it takes to empty, and peak
// RSS, beside the same run without a spool. Each run is a fresh process (this file with --run)
// that records at a steady rate for 1 s with the collector up, then kills it (bench/receiver.mjs
// in its own process, nothing listening on its port: connections refused) for the outage,
// restarts it on the same port, records on for the outage's length again, then stops recording
// and waits for the spool to empty. One worker, OTLP/HTTP protobuf (or gRPC), exportTimeoutMillis
// 1000, spoolMaxBytes 1 GiB.
//
//   node bench/outage.mjs [--rates 50000,200000] [--outages 5,10] [--protocol http|grpc] [--json]
//   node bench/outage.mjs --run --rate R --outage S [--protocol P] [--spool]   (one run; one JSON line)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonOutput, machine, print } from './util.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};

const PROTOCOL = arg('protocol', 'http');
if (process.argv.includes('--run')) await run(Number(arg('rate')), Number(arg('outage')), process.argv.includes('--spool'));
else await main();

async function main() {
  const rates = String(arg('rates', '50000,200000')).split(',').map(Number);
  const outages = String(arg('outages', '5,10')).split(',').map(Number);
  const rows = [];
  for (const rate of rates) {
    for (const outage of outages) {
      for (const spool of [true, false]) {
        const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--run', '--rate', String(rate), '--outage', String(outage), '--protocol', PROTOCOL, ...(spool ? ['--spool'] : [])], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        const [code] = await once(child, 'exit');
        if (code !== 0) throw new Error(`outage run (rate ${rate}, outage ${outage} s, spool ${spool}) exited with ${code}`);
        rows.push(JSON.parse(out.trim().split('\n').at(-1)));
      }
    }
  }
  if (jsonOutput) {
    console.log(JSON.stringify({ suite: 'outage', machine: machine(), rows }));
    return;
  }
  console.log(`bench/outage.mjs: ${machine()}`);
  print(`A collector outage at full traffic (one worker, OTLP/${PROTOCOL === 'grpc' ? 'gRPC' : 'HTTP'}, exportTimeoutMillis 1000)`, rows.map((r) => ({
    'rate/s': r.rate,
    'outage s': r.outage,
    spool: r.spool ? 'yes' : 'no',
    recorded: r.recorded,
    dropped: r.dropped,
    failed: r.failed,
    'during outage': r.duringOutage,
    'intake spans/s': r.spool ? r.intakeSpansPerSec : '-',
    'intake MB/s': r.spool ? r.intakeMBPerSec : '-',
    'peak spooled MB': r.spool ? r.peakSpoolMB : '-',
    'replay spans/s': r.spool ? r.replaySpansPerSec : '-',
    'delivery spans/s': r.spool ? r.deliverySpansPerSec : '-',
    'empty after s': r.spool ? r.emptyAfterSec : '-',
    'peak RSS MB': r.peakRssMB,
  })), ['rate/s', 'outage s', 'spool', 'recorded', 'dropped', 'failed', 'during outage', 'intake spans/s', 'intake MB/s', 'peak spooled MB', 'replay spans/s', 'delivery spans/s', 'empty after s', 'peak RSS MB']);
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function run(rate, outage, withSpool) {
  const { RactoTracer } = await import('../dist/index.js');
  const port = await freePort();
  let receiver;
  const up = async () => {
    const flag = PROTOCOL === 'grpc' ? '--grpc-port' : '--http-port';
    receiver = spawn(process.execPath, [new URL('./receiver.mjs', import.meta.url).pathname, flag, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
    await once(receiver.stdout, 'data');
  };
  const down = async () => {
    receiver.kill('SIGKILL');
    await once(receiver, 'exit');
    receiver = undefined;
  };
  const dir = withSpool ? mkdtempSync(join(tmpdir(), 'racto-outage-')) : undefined;
  await up();
  const endpoint = PROTOCOL === 'grpc' ? { otlpEndpoint: `127.0.0.1:${port}` } : { otlpHttpEndpoint: `http://127.0.0.1:${port}` };
  const tracer = new RactoTracer({ ...endpoint, exportTimeoutMillis: 1_000, spoolDir: dir, spoolMaxBytes: 2 ** 30 });
  await tracer.ready();
  const call = { provider: 'openai', model: 'gpt-4o', latencyMs: 420, inputTokens: 900, outputTokens: 200 };
  const LEAD = 1;
  const total = LEAD + 2 * outage;
  let peakRss = 0;
  const samples = [];
  const sample = () => {
    const s = tracer.stats();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    samples.push({ t: performance.now(), up: receiver !== undefined, spooled: s.spooled, bytes: s.spool.bytes, exported: s.exported, dropped: s.dropped });
  };
  const start = performance.now();
  let done = 0;
  let phase = 'up';
  let downAt = 0;
  let upAt = 0;
  let atDown;
  let atUp;
  let flapping = Promise.resolve();
  let nextSample = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const elapsed = (performance.now() - start) / 1000;
      const due = Math.floor(Math.min(elapsed, total) * rate);
      for (; done < due; done++) tracer.recordChatSpan(call);
      if (elapsed >= nextSample) {
        sample();
        nextSample += 0.25;
      }
      if (phase === 'up' && elapsed >= LEAD) {
        phase = 'down';
        atDown = { recorded: done, stats: tracer.stats() };
        downAt = performance.now();
        flapping = down();
      } else if (phase === 'down' && elapsed >= LEAD + outage) {
        phase = 'back';
        atUp = { recorded: done, stats: tracer.stats() };
        flapping = flapping.then(up).then(() => (upAt = performance.now()));
      }
      if (elapsed < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await flapping;
  // Recording stopped: wait (at most 120 s) for the spool to empty and every span to be settled.
  const t0 = performance.now();
  while ((tracer.stats().pending > 0) && performance.now() - t0 < 120_000) {
    sample();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  sample();
  const emptyAt = samples.find((x) => x.t > upAt && x.spooled === 0)?.t ?? performance.now();
  await tracer.shutdown();
  const s = tracer.stats();
  await down();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  // Intake: spooled spans and bytes over the outage (from the moment it began to the collector's return).
  const outageSamples = samples.filter((x) => x.t >= downAt && x.t <= upAt);
  const lastDown = outageSamples.at(-1) ?? samples[0];
  const secs = (upAt - downAt) / 1000;
  // Replay: the fastest 1 s the spool shrank by once the collector was back.
  const back = samples.filter((x) => x.t >= upAt);
  let replay = 0;
  for (let i = 0; i < back.length; i++) {
    const j = back.findIndex((x) => x.t >= back[i].t + 1000);
    if (j < 0) break;
    replay = Math.max(replay, (back[i].spooled - back[j].spooled) / ((back[j].t - back[i].t) / 1000));
  }
  // Delivery: spans exported per second from the collector's return until the spool emptied.
  const exportedAtUp = back[0]?.exported ?? s.exported;
  const emptySample = back.find((x) => x.t >= emptyAt) ?? back.at(-1);
  const delivery = emptySample === undefined ? 0 : (emptySample.exported - exportedAtUp) / Math.max(0.001, (emptySample.t - upAt) / 1000);
  const duringOutage = atUp.recorded - atDown.recorded;
  // When spans were dropped (seconds from the start of recording, by 0.25 s sample), to tell the
  // outage's start, its end and the drain apart.
  const droppedAt = samples.flatMap((x, i) => (i > 0 && x.dropped > samples[i - 1].dropped ? [Number(((x.t - start) / 1000).toFixed(2))] : []));
  console.log(JSON.stringify({
    protocol: PROTOCOL, rate, outage, spool: withSpool,
    recorded: s.recorded, exported: s.exported, dropped: s.dropped, failed: s.failed, pending: s.pending,
    duringOutage,
    intakeSpansPerSec: Math.round(lastDown.spooled / secs),
    intakeMBPerSec: Number((lastDown.bytes / 2 ** 20 / secs).toFixed(1)),
    peakSpoolMB: Number((Math.max(...samples.map((x) => x.bytes)) / 2 ** 20).toFixed(1)),
    replaySpansPerSec: Math.round(replay),
    deliverySpansPerSec: Math.round(delivery),
    emptyAfterSec: Number(((emptyAt - upAt) / 1000).toFixed(1)),
    peakRssMB: Math.round(peakRss / 2 ** 20),
    droppedAt,
  }));
  const balanced = s.recorded === s.exported + s.dropped + s.failed + s.pending;
  if (!balanced) {
    console.error('outage run: the books do not balance');
    process.exit(1);
  }
}

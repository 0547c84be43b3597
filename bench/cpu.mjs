// CPU and footprint as a user's profiler sees them: on-CPU time of the main thread and of the
// whole process (workers, clock thread, GC helpers, libuv), per call and per span, net of the
// load driver; idle cost and idle RSS; the throughput ceiling; several processes at once.
//
//   node bench/cpu.mjs [--only idle|record|rates|sdk|ceiling|cluster] [--quick] [--rounds K]
//                      [--no-loop-monitor] [--json]
//
// Method
// - Every measured scenario runs in its own child process (this file with --scenario JSON), one
//   at a time (the cluster group excepted, which runs four at once on purpose), all exporting to
//   one receiver process (bench/receiver.mjs, through util.mjs startReceiver(), at nice 10).
// - Main-thread CPU: the first field of /proc/self/task/<tid>/schedstat (nanoseconds the thread
//   spent on a CPU), tid = process.pid for the main thread on Linux, read before and after the
//   measured window. The kernel brings that figure up to date at scheduler ticks and context
//   switches, so a reading lags by the CPU the thread used since its last switch-in or tick: the
//   reads here follow a wake-up, so tens of µs against windows of several ms. Without /proc the
//   figure falls back to process.cpuUsage() and is marked "whole process" (mainSource).
// - Whole-process CPU: process.cpuUsage() (user + system, every thread) over the same window.
//   (Linux derives it from the precise runtime, but keeps user and system monotonic separately,
//   so over a window of a few ms it can lag by about a ms: negligible except for the idle figure.)
// - A tracer is constructed, `await tracer.ready()`, warmed up by one second of the same load
//   (then flushed, outside any window), and measured over three rounds. A figure is the median of
//   its three rounds (each metric on its own); the three rounds are shown too. Every figure is
//   NET of the driver: the same driver in its own child process with no tracer ('none'),
//   measured identically, is subtracted (median minus median).
// - The driver is paced: a setTimeout tick every 5 ms records the calls due by then at the
//   offered rate. It builds a fresh call object per call ({provider, model, latencyMs,
//   inputTokens, outputTokens, cacheHit, toolCalls}, 4 models rotating) and keeps it in a ring
//   array of 1024 slots, as a gateway holds its response, so V8 cannot elide the allocation on
//   the 'none' side and charge it to the tracer. 'none' runs exactly the same minus the record call.
// - A measured window = the round's calls, then `await tracer.flush()`; it ends when the flush
//   resolves, so export work (worker encoding, sockets, completions on the main thread) counts.
//   Rounds last ~3 s at >= 20,000 calls/s and 5 s at 2,000/s.
// - Per window also: garbage collections of the main thread's isolate (PerformanceObserver on
//   'gc' entries whose start lies in the window; worker isolates are not seen), event-loop delay
//   p99 (monitorEventLoopDelay, resolution 1 ms) and the main thread's minor page faults (field
//   10 of /proc/self/task/<tid>/stat: the first write to each 4 KiB page of the ring costs one, a
//   few µs, until the ring has wrapped once; at 2,000/s that takes longer than the whole run).
// - Caveat: the loop-delay monitor's 1 ms timer wakes the event loop on both sides, so the process
//   never sleeps longer than 1 ms; on VMs where a sleep/wake-up costs tens of µs of on-CPU time
//   this raises the driver floor (most visibly at 2,000/s) and changes what the tracer's own
//   wake-ups cost. --no-loop-monitor measures without it (no loop p99 then).
// Scenarios
// 1 idle: a tracer with otlpHttpEndpoint, ready, then 8 s recording nothing: whole-process CPU as
//   % of one core, tracer minus none; RSS after the 8 s minus RSS before construction (both
//   sides have imported dist/index.js before the first RSS reading).
// 2 record: the record call alone: a tracer that exports nothing during the window (ring and
//   batch of 262,144, scheduledDelayMillis 3,600,000), bursts of 1,000 calls every 5 ms, 60,000
//   calls; the window ends at the last burst (the flush comes after it, unmeasured). Here the
//   warm-up covers the whole ring (a flush every 65,536 calls), not just one second, so that no
//   window pays the ring's first-touch page faults. Beside the window figure, the wall time
//   inside the synchronous bursts only (performance.now() around each burst, on both sides),
//   which leaves out the sleeps, wake-ups and timers between bursts: the record call itself.
// 3 rates: 2,000, 20,000 and 200,000 calls/s over OTLP/HTTP and OTLP/gRPC, default options; at
//   20,000 and 200,000 also with a customExporter object ('custom', a discarding SpanExporter on
//   the main thread), whose per-batch main-thread work is the one hand-off left.
// 4 sdk: the OTel SDK (BasicTracerProvider, BatchSpanProcessor {maxQueueSize 65536,
//   maxExportBatchSize 512}, OTLPTraceExporter of exporter-trace-otlp-proto with
//   concurrencyLimit 256, the attributes of e2e.mjs) at 20,000 and 200,000/s over HTTP; ratios
//   SDK net / ractogateway net. Where the SDK drops spans, its per-span figures are still per call.
// 5 ceiling: 1,000,000 calls (after a 1 s warm-up at the same rate) offered at 400,000/s, then
//   +100,000/s per step, 1 ms ticks, one measured run per rate, until spans are dropped or failed
//   or the driver achieves < 95 % of the offered rate (if 400,000/s already fails: -100,000/s per
//   step until a rate is clean); the highest clean rate and the stats() of the first failing one
//   (counted over its measured run) are reported.
// 6 cluster: 4 processes at once, each a tracer at 20,000/s over OTLP/HTTP (and 4 drivers alone
//   at once, for the net), then 4 idle tracers at once (and 4 idle 'none').
// --quick shortens warm-ups, rounds, idle windows and the ceiling's call count, for development
// only; --rounds K measures K rounds instead of 3. RACTO_DIST=/path/to/dist/index.js measures
// another build.
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { jsonOutput, machine, print, startReceiver } from './util.mjs';
import { sdkSide } from './sdk-side.mjs';

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
const QUICK = process.argv.includes('--quick');
// --no-loop-monitor: no monitorEventLoopDelay in the windows (its 1 ms timer keeps the event loop
// from sleeping longer than 1 ms, which changes what each wake-up costs), for comparison.
const LOOP_MONITOR = !process.argv.includes('--no-loop-monitor');
const GROUPS = ['idle', 'record', 'rates', 'sdk', 'ceiling', 'cluster'];
const ONLY = arg('only');
const DIST = process.env.RACTO_DIST ? pathToFileURL(process.env.RACTO_DIST).href : new URL('../dist/index.js', import.meta.url).href;

const ROUNDS = Number(arg('rounds') ?? 3);
const WARMUP_MS = QUICK ? 300 : 1000;
const IDLE_MS = QUICK ? 2000 : 8000;
const roundSeconds = (rate) => (QUICK ? (rate >= 20_000 ? 0.5 : 1) : rate >= 20_000 ? 3 : 5);
const RATES = [2_000, 20_000, 200_000];
const RECORD_CALLS = 60_000;
const RECORD_RING = 262_144;
const CEILING_CALLS = QUICK ? 200_000 : 1_000_000;
const CEILING_START = 400_000;
const CEILING_STEP = 100_000;
const CEILING_MAX = 2_000_000;
const KEEP_UP = 0.95;
const CLUSTER = 4;

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-6', 'gemini-2.5-pro'];
const PROVIDERS = ['openai', 'openai', 'anthropic', 'google'];

// ---------------------------------------------------------------- parent: orchestration

async function main() {
  if (ONLY !== undefined && !GROUPS.includes(ONLY)) throw new Error(`--only takes one of ${GROUPS.join(', ')}`);
  const run = (g) => ONLY === undefined || ONLY === g;
  const receiver = await startReceiver();
  const ports = { http: receiver.http, grpc: receiver.grpc };
  const result = { bench: 'cpu', machine: machine(), quick: QUICK, mainSource: undefined };
  // Paced results by configuration, so that the sdk group reuses the rates group's runs.
  const cache = new Map();
  const paced = async (impl, transport, rate) => {
    const key = `${impl}/${transport}/${rate}`;
    if (!cache.has(key)) cache.set(key, summarise(await child({ kind: 'paced', impl, transport, rate, ports })));
    return cache.get(key);
  };
  try {
    if (run('idle')) {
      const none = await child({ kind: 'idle', impl: 'none', ports });
      const racto = await child({ kind: 'idle', impl: 'ractogateway', ports });
      result.mainSource = racto.mainSource;
      result.idle = { seconds: IDLE_MS / 1000, none, ractogateway: racto, netPct: racto.wholePct - none.wholePct };
    }
    if (run('record')) {
      const none = summarise(await child({ kind: 'record', impl: 'none', ports }));
      const racto = summarise(await child({ kind: 'record', impl: 'ractogateway', ports }));
      result.mainSource = racto.mainSource;
      result.record = {
        calls: RECORD_CALLS, none, ractogateway: racto,
        netMainNsPerCall: racto.mainNsPerCall - none.mainNsPerCall,
        netInBurstNsPerCall: racto.inBurstNsPerCall - none.inBurstNsPerCall,
      };
    }
    if (run('rates')) {
      result.rates = [];
      for (const rate of RATES) {
        const none = await paced('none', '-', rate);
        result.rates.push({ impl: 'none', transport: '-', rate, ...none });
        // 'custom': a customExporter object, the one destination that lives on the main thread
        // (its batches are posted here, exported, and the outcome posted back): its per-batch
        // cost on the main thread, measured apart.
        for (const transport of rate === 2_000 ? ['http', 'grpc'] : ['http', 'grpc', 'custom']) {
          const r = await paced('ractogateway', transport, rate);
          result.mainSource = r.mainSource;
          result.rates.push({ impl: 'ractogateway', transport, rate, ...r, ...net(r, none) });
        }
      }
    }
    if (run('sdk')) {
      result.sdk = [];
      for (const rate of [20_000, 200_000]) {
        const none = await paced('none', '-', rate);
        const racto = { ...(await paced('ractogateway', 'http', rate)) };
        Object.assign(racto, net(racto, none));
        const sdk = await paced('otel-sdk', 'http', rate);
        Object.assign(sdk, net(sdk, none));
        result.sdk.push({
          rate, none, ractogateway: racto, sdk,
          mainRatio: ratio(sdk.netMainNsPerCall, racto.netMainNsPerCall),
          wholeRatio: ratio(sdk.netWholeUsPerSpan, racto.netWholeUsPerSpan),
        });
      }
    }
    if (run('ceiling')) {
      result.ceiling = [];
      for (const transport of ['http', 'grpc']) {
        const steps = [];
        let highestClean = null;
        let firstFailing = null;
        const step = async (rate) => {
          const r = await child({ kind: 'ceiling', impl: 'ractogateway', transport, rate, calls: CEILING_CALLS, ports });
          const keptUp = r.callsPerSec >= KEEP_UP * rate;
          const clean = r.stats.dropped === 0 && r.stats.failed === 0 && keptUp;
          steps.push({ rate, keptUp, clean, ...r });
          if (clean) highestClean = rate;
          else firstFailing = { rate, keptUp, ...r };
          return clean;
        };
        // Rising from CEILING_START until a rate fails; if the first already fails, falling by the
        // same step until one is clean (the first failing rate is then the lowest one that failed).
        if (await step(CEILING_START)) {
          for (let rate = CEILING_START + CEILING_STEP; rate <= CEILING_MAX && (await step(rate)); rate += CEILING_STEP);
        } else {
          for (let rate = CEILING_START - CEILING_STEP; rate > 0 && !(await step(rate)); rate -= CEILING_STEP);
        }
        result.ceiling.push({ transport, calls: CEILING_CALLS, highestClean, firstFailing, steps });
      }
    }
    if (run('cluster')) {
      const many = (config) => Promise.all(Array.from({ length: CLUSTER }, () => child(config)));
      const busy = (await many({ kind: 'paced', impl: 'ractogateway', transport: 'http', rate: 20_000, ports })).map(summarise);
      const busyNone = (await many({ kind: 'paced', impl: 'none', transport: '-', rate: 20_000, ports })).map(summarise);
      const idle = await many({ kind: 'idle', impl: 'ractogateway', ports });
      const idleNone = await many({ kind: 'idle', impl: 'none', ports });
      const noneMain = mean(busyNone.map((r) => r.mainNsPerCall));
      const noneWhole = mean(busyNone.map((r) => r.wholeUsPerSpan));
      const noneIdle = mean(idleNone.map((r) => r.wholePct));
      result.cluster = {
        processes: CLUSTER,
        rate: 20_000,
        busy: busy.map((r) => ({ ...r, netMainNsPerCall: r.mainNsPerCall - noneMain, netWholeUsPerSpan: r.wholeUsPerSpan - noneWhole })),
        busyNone,
        idle: idle.map((r) => ({ ...r, netPct: r.wholePct - noneIdle })),
        idleNone,
      };
    }
  } finally {
    await receiver.stop();
  }
  if (jsonOutput) console.log(JSON.stringify(result, null, 2));
  else report(result);
}

function child(config) {
  return new Promise((resolve, reject) => {
    const flags = [...(QUICK ? ['--quick'] : []), ...(LOOP_MONITOR ? [] : ['--no-loop-monitor'])];
    if (ROUNDS !== 3) flags.push('--rounds', String(ROUNDS));
    const p = spawn(process.execPath, [new URL(import.meta.url).pathname, '--scenario', JSON.stringify(config), ...flags], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`scenario ${JSON.stringify(config)} exited ${code}`))));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ratio = (a, b) => (b > 0 ? a / b : null);

/** Per-round figures of a paced or record child, and the median of each. */
function summarise({ mainSource, rounds }) {
  const main = rounds.map((r) => r.mainNs / r.calls);
  const whole = rounds.map((r) => (r.wholeUs / r.calls));
  const inBursts = rounds[0].burstNs === undefined ? null : rounds.map((r) => r.burstNs / r.calls);
  return {
    mainSource,
    inBurstNsPerCall: inBursts && median(inBursts),
    inBurstRounds: inBursts,
    mainNsPerCall: median(main),
    mainRounds: main,
    wholeUsPerSpan: median(whole),
    wholeRounds: whole,
    gcs: median(rounds.map((r) => r.gcs)),
    faults: median(rounds.map((r) => r.faults)),
    loopP99Ms: median(rounds.map((r) => r.loopP99Ms)),
    callsPerSec: median(rounds.map((r) => r.calls / (r.recordMs / 1000))),
    acked: rounds.reduce((a, r) => a + r.acked, 0),
    dropped: rounds.reduce((a, r) => a + r.dropped, 0),
    failed: rounds.reduce((a, r) => a + r.failed, 0),
    rounds,
  };
}

function net(r, none) {
  return { netMainNsPerCall: r.mainNsPerCall - none.mainNsPerCall, netWholeUsPerSpan: r.wholeUsPerSpan - none.wholeUsPerSpan };
}

// ---------------------------------------------------------------- parent: tables

const f = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d }));
const rounds = (xs, d = 0) => xs.map((x) => f(x, d)).join(' / ');
const meets = (x, ok) => (x === null || x === undefined ? '-' : ok(x) ? 'yes' : 'NO');

function report(r) {
  console.log(`machine: ${r.machine}${r.quick ? '  (--quick: shortened rounds, not for publication)' : ''}`);
  if (r.mainSource === 'process') console.log('NOTE: /proc/self/task/<tid>/schedstat unavailable: "main thread" figures are whole-process process.cpuUsage()');
  if (r.idle) {
    const rows = ['none', 'ractogateway'].map((impl) => {
      const x = r.idle[impl];
      const tracer = impl !== 'none';
      return {
        impl,
        'whole-process % core': f(x.wholePct, 3),
        'main thread % core': f(x.mainPct, 3),
        'net % core': tracer ? f(r.idle.netPct, 3) : '-',
        'target <= 0.3 %': tracer ? meets(r.idle.netPct, (v) => v <= 0.3) : '-',
        'RSS added MB': f(x.rssAddedMb, 1),
        'target <= 24 MB': tracer ? meets(x.rssAddedMb, (v) => v <= 24) : '-',
      };
    });
    print(`1. Idle: ${r.idle.seconds} s recording nothing after ready() (OTLP/HTTP tracer); RSS after minus before construction`, rows, Object.keys(rows[0]));
  }
  if (r.record) {
    const rows = ['none', 'ractogateway'].map((impl) => {
      const x = r.record[impl];
      const tracer = impl !== 'none';
      return {
        impl,
        'main ns/call (median)': f(x.mainNsPerCall, 1),
        'window rounds': rounds(x.mainRounds, 1),
        'net ns/call': tracer ? f(r.record.netMainNsPerCall, 1) : '-',
        'target <= 60 ns': tracer ? meets(r.record.netMainNsPerCall, (v) => v <= 60) : '-',
        'in bursts only (wall) ns/call': f(x.inBurstNsPerCall, 1),
        'in-burst rounds': rounds(x.inBurstRounds, 1),
        'net in bursts': tracer ? f(r.record.netInBurstNsPerCall, 1) : '-',
        'whole µs/call': f(x.wholeUsPerSpan, 3),
        'GCs/round': x.gcs,
        'main-thread page faults/round': x.faults,
      };
    });
    print(`2. Record call alone: ${r.record.calls.toLocaleString('en')} calls in bursts of 1,000 every 5 ms, no export in the window`, rows, Object.keys(rows[0]));
  }
  if (r.rates) {
    const none = new Map(r.rates.filter((x) => x.impl === 'none').map((x) => [x.rate, x]));
    const rows = r.rates.map((x) => pacedRow(x, none.get(x.rate), x.impl === 'none' ? null : rateTargets(x)));
    print('3. Paced rates, default options; net = minus the driver alone (none) at the same rate; median of 3 rounds', rows, Object.keys(rows[0]));
  }
  if (r.sdk) {
    const rows = [];
    for (const s of r.sdk) {
      rows.push(pacedRow({ impl: 'ractogateway', transport: 'http', rate: s.rate, ...s.ractogateway }, s.none, null));
      rows.push(pacedRow({ impl: 'otel-sdk', transport: 'http', rate: s.rate, ...s.sdk }, s.none, null));
    }
    print('4. The OTel SDK (BatchSpanProcessor + OTLP/HTTP proto exporter) against ractogateway, OTLP/HTTP', rows, Object.keys(rows[0]));
    const ratios = r.sdk.map((s) => ({
      'rate/s': f(s.rate),
      'main-thread SDK/ractogateway': s.mainRatio === null ? 'n/a (net <= 0)' : `${f(s.mainRatio, 1)}x`,
      'target >= 50x': s.rate === 20_000 ? meets(s.mainRatio, (v) => v >= 50) : '-',
      'whole-process SDK/ractogateway': s.wholeRatio === null ? 'n/a (net <= 0)' : `${f(s.wholeRatio, 1)}x`,
      'target >= 5x': s.rate === 20_000 ? meets(s.wholeRatio, (v) => v >= 5) : '-',
      'SDK dropped': f(s.sdk.dropped),
    }));
    print('   Ratios of net figures', ratios, Object.keys(ratios[0]));
  }
  if (r.ceiling) {
    const rows = r.ceiling.flatMap((c) => [...c.steps].sort((a, b) => a.rate - b.rate).map((s) => ({
      transport: c.transport,
      'offered/s': f(s.rate),
      'calls/s': f(s.callsPerSec),
      'acked spans/s': f(s.ackedPerSec),
      dropped: f(s.stats.dropped),
      failed: f(s.stats.failed),
      'loop p99 ms': f(s.loopP99Ms, 2),
      'main ns/call': f(s.mainNsPerCall, 0),
      'whole µs/span': f(s.wholeUsPerSpan, 2),
      result: s.clean ? 'clean' : s.keptUp ? 'drops/failures' : 'driver fell behind',
    })));
    print(`5. Ceiling: ${r.ceiling[0].calls.toLocaleString('en')} calls per rate, 1 ms ticks, default options`, rows, Object.keys(rows[0]));
    for (const c of r.ceiling) {
      const ff = c.firstFailing;
      const st = ff?.stats;
      console.log(`   ${c.transport}: highest rate with 0 dropped and kept up: ${c.highestClean === null ? 'none' : `${f(c.highestClean)}/s`}; ` +
        (ff ? `first failing ${f(ff.rate)}/s${ff.keptUp ? '' : ' (driver fell behind)'}: stats() over that run: recorded ${f(st.recorded)}, ` +
          `exported ${f(st.exported)}, dropped ${f(st.dropped)} ${JSON.stringify(st.droppedByReason)}, failed ${f(st.failed)} ` +
          `${JSON.stringify(st.failedByReason)}, pending ${f(st.pending)}` : `no failure up to ${f(CEILING_MAX)}/s`));
    }
  }
  if (r.cluster) {
    const c = r.cluster;
    const rows = c.busy.map((x, i) => ({
      process: i + 1,
      'main ns/call': f(x.mainNsPerCall, 1),
      'net main ns/call': f(x.netMainNsPerCall, 1),
      'whole µs/span': f(x.wholeUsPerSpan, 3),
      'net whole µs/span': f(x.netWholeUsPerSpan, 3),
      'rounds (whole, gross)': rounds(x.wholeRounds, 3),
      'loop p99 ms': f(x.loopP99Ms, 2),
      dropped: f(x.dropped),
      'idle % core': f(c.idle[i].wholePct, 3),
      'net idle % core': f(c.idle[i].netPct, 3),
      'idle RSS added MB': f(c.idle[i].rssAddedMb, 1),
    }));
    rows.push({
      process: 'none (mean)',
      'main ns/call': f(mean(c.busyNone.map((x) => x.mainNsPerCall)), 1),
      'net main ns/call': '-',
      'whole µs/span': f(mean(c.busyNone.map((x) => x.wholeUsPerSpan)), 3),
      'net whole µs/span': '-',
      'rounds (whole, gross)': '-',
      'loop p99 ms': f(mean(c.busyNone.map((x) => x.loopP99Ms)), 2),
      dropped: '-',
      'idle % core': f(mean(c.idleNone.map((x) => x.wholePct)), 3),
      'net idle % core': '-',
      'idle RSS added MB': f(mean(c.idleNone.map((x) => x.rssAddedMb)), 1),
    });
    print(`6. Cluster: ${c.processes} processes at once at ${f(c.rate)}/s over OTLP/HTTP, then ${c.processes} idle at once (nets against ${c.processes} drivers alone at once)`, rows, Object.keys(rows[0]));
  }
}

function rateTargets(x) {
  if (x.transport === 'custom') return '(no target: measured apart)';
  const t = [];
  if (x.rate >= 20_000) t.push(`main<=100ns:${meets(x.netMainNsPerCall, (v) => v <= 100)}`);
  if (x.rate === 2_000) t.push(`whole<=3µs:${meets(x.netWholeUsPerSpan, (v) => v <= 3)}`);
  if (x.rate === 200_000) t.push(`whole<=1.5µs:${meets(x.netWholeUsPerSpan, (v) => v <= 1.5)}`);
  return t.join(' ');
}

function pacedRow(x, none, targets) {
  const isNone = x.impl === 'none';
  return {
    impl: x.impl,
    transport: x.transport,
    'rate/s': f(x.rate),
    'main ns/call': f(x.mainNsPerCall, 1),
    'main rounds': rounds(x.mainRounds, 0),
    'net main ns/call': isNone ? '-' : f(x.netMainNsPerCall, 1),
    'whole µs/span': f(x.wholeUsPerSpan, 3),
    'whole rounds': rounds(x.wholeRounds, 2),
    'net whole µs/span': isNone ? '-' : f(x.netWholeUsPerSpan, 3),
    'GCs/round (none)': `${x.gcs} (${none?.gcs ?? '-'})`,
    'loop p99 ms (none)': `${f(x.loopP99Ms, 2)} (${f(none?.loopP99Ms, 2)})`,
    'faults/round': x.faults,
    acked: isNone ? '-' : f(x.acked),
    dropped: isNone ? '-' : f(x.dropped),
    targets: targets ?? '-',
  };
}

// ---------------------------------------------------------------- child: one scenario

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
const MAIN_SOURCE = existsSync(SCHEDSTAT) ? 'schedstat' : 'process';
const TASK_STAT = `/proc/self/task/${process.pid}/stat`;
// One pread on a descriptor kept open, parsed without making a string.
const schedFd = MAIN_SOURCE === 'schedstat' ? openSync(SCHEDSTAT, 'r') : -1;
const schedBuf = Buffer.alloc(96);

/** Nanoseconds on CPU: of the main thread (schedstat), else of the whole process. */
function mainCpuNs() {
  if (schedFd < 0) {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1000;
  }
  const n = readSync(schedFd, schedBuf, 0, schedBuf.length, 0);
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = schedBuf[i];
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** Minor page faults of the main thread (first touches of ring and heap pages); -1 without /proc. */
function mainFaults() {
  if (MAIN_SOURCE !== 'schedstat') return -1;
  const s = readFileSync(TASK_STAT, 'latin1');
  return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[7]);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Start times of the main isolate's garbage collections, on the performance.now() timeline.
const gcStarts = [];

/** One measured window around `work` (which resolves to counts); CPU, GCs and loop delay. */
async function measured(work) {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  if (LOOP_MONITOR) loop.enable();
  const t0 = performance.now();
  const f0 = mainFaults();
  const m0 = mainCpuNs();
  const w0 = process.cpuUsage();
  const counts = await work();
  const m1 = mainCpuNs();
  const w = process.cpuUsage(w0);
  const f1 = mainFaults();
  const t1 = performance.now();
  if (LOOP_MONITOR) loop.disable();
  await sleep(50); // outside the window: lets the observer deliver the window's gc entries
  return {
    wallMs: t1 - t0,
    mainNs: m1 - m0,
    wholeUs: w.user + w.system,
    gcs: gcStarts.filter((t) => t >= t0 && t <= t1).length,
    loopP99Ms: LOOP_MONITOR ? loop.percentile(99) / 1e6 : null,
    faults: f1 - f0,
    ...counts,
  };
}

// The calls the driver has handed out, kept as a gateway keeps its responses a while.
const held = new Array(1024).fill(null);
let seq = 0;
// With `timeBursts`: wall-clock ns spent inside the driver's synchronous bursts (the calls
// themselves, without the event loop's sleeps, wake-ups and timers in between). Wall clock, not
// schedstat: schedstat only advances at scheduler ticks and switches, too coarse for a burst.
let burstNs = 0;

/**
 * Records `calls` calls: every `tickMs` either the calls due by then at `rate` or, with `burst`,
 * `burst` more calls. `record` is null on the 'none' side. Resolves to the ms spent recording.
 */
function drive(record, calls, { rate = 0, tickMs = 5, burst = 0, timeBursts = false }) {
  const start = performance.now();
  let done = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const due = burst > 0 ? Math.min(calls, done + burst) : Math.min(calls, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      const b0 = timeBursts ? performance.now() : 0;
      for (; done < due; done++) {
        const m = seq & 3;
        const call = {
          provider: PROVIDERS[m], model: MODELS[m], latencyMs: 180 + (seq & 1023), inputTokens: 900 + (seq & 511),
          outputTokens: 200 + (seq & 255), cacheHit: 'miss', toolCalls: m & 1,
        };
        held[seq & 1023] = call;
        seq++;
        if (record !== null) record(call);
      }
      if (timeBursts) burstNs += (performance.now() - b0) * 1e6;
      if (done < calls) setTimeout(tick, tickMs);
      else resolve(performance.now() - start);
    };
    tick();
  });
}

async function ractoSide(lib, options) {
  const tracer = new lib.RactoTracer(options);
  await tracer.ready();
  let base = tracer.stats();
  return {
    record: (c) => tracer.recordChatSpan(c),
    flush: () => tracer.flush(),
    reset() {
      base = tracer.stats();
    },
    counts() {
      const s = tracer.stats();
      return { acked: s.exported - base.exported, dropped: s.dropped - base.dropped, failed: s.failed - base.failed };
    },
    stats: () => delta(tracer.stats(), base),
    close: () => tracer.shutdown(),
  };
}

/** a - b over every number of a (nested objects too); other values from a. */
function delta(a, b) {
  const out = {};
  for (const [k, v] of Object.entries(a)) {
    out[k] = typeof v === 'number' ? v - (b?.[k] ?? 0) : v !== null && typeof v === 'object' ? delta(v, b?.[k]) : v;
  }
  return out;
}

function noneSide() {
  let recorded = 0;
  return {
    record: null,
    count: (n) => (recorded += n),
    flush: async () => undefined,
    reset() {
      recorded = 0;
    },
    counts: () => ({ acked: recorded, dropped: 0, failed: 0 }),
    close: async () => undefined,
  };
}


async function makeSide(lib, { impl, transport, ports }, extra = {}) {
  if (impl === 'none') return noneSide();
  if (impl === 'otel-sdk') return sdkSide({ transport: 'http', ports });
  const endpoint = transport === 'grpc' ? { otlpEndpoint: `http://127.0.0.1:${ports.grpc}` }
    : transport === 'custom' ? { customExporter: { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} } }
    : { otlpHttpEndpoint: `http://127.0.0.1:${ports.http}` };
  return ractoSide(lib, { ...endpoint, ...extra });
}

/** Drives `calls` calls through `side`; on 'none' the counts come from the driver. */
async function load(side, calls, pacing) {
  const recordMs = await drive(side.record, calls, pacing);
  side.count?.(calls);
  return recordMs;
}

async function scenario(config) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcStarts.push(e.startTime);
  }).observe({ entryTypes: ['gc'] });
  // Both sides load the package first: the idle RSS is measured from there.
  const lib = await import(DIST);
  let out;
  if (config.kind === 'idle') out = await idleScenario(lib, config);
  else if (config.kind === 'record') out = await recordScenario(lib, config);
  else if (config.kind === 'paced') out = await pacedScenario(lib, config);
  else out = await ceilingScenario(lib, config);
  process.stdout.write(JSON.stringify({ mainSource: MAIN_SOURCE, ...out }));
}

async function idleScenario(lib, config) {
  await sleep(200);
  const rss0 = process.memoryUsage().rss;
  const side = await makeSide(lib, { ...config, transport: 'http' });
  const t0 = performance.now();
  const m0 = mainCpuNs();
  const w0 = process.cpuUsage();
  await sleep(IDLE_MS);
  const m1 = mainCpuNs();
  const w = process.cpuUsage(w0);
  const wallMs = performance.now() - t0;
  const rssAddedMb = (process.memoryUsage().rss - rss0) / 2 ** 20;
  await side.close();
  return {
    wallMs,
    wholePct: ((w.user + w.system) / (wallMs * 1000)) * 100,
    mainPct: ((m1 - m0) / (wallMs * 1e6)) * 100,
    rssAddedMb,
  };
}

async function recordScenario(lib, config) {
  // Nothing is exported while a window is open: the whole run fits in one batch and the ring,
  // and the batch timer is an hour. Flushes happen between windows.
  const side = await makeSide(lib, { ...config, transport: 'http' }, {
    ringCapacity: RECORD_RING, scheduledDelayMillis: 3_600_000, maxExportBatchSize: 262_144,
  });
  const pacing = { burst: 1000, tickMs: 5, timeBursts: true };
  // The warm-up covers the whole ring (and at least one second of the load), a flush after every
  // 65,536 calls, so that no window pays the first touch of the ring's pages (page faults, a
  // one-time cost of ~3 µs per 4 KiB page here).
  for (let warmed = 0; warmed < Math.max(RECORD_RING, (WARMUP_MS / 5) * 1000); warmed += 65_536) {
    await load(side, 65_536, pacing);
    await side.flush();
  }
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    side.reset();
    burstNs = 0;
    rounds.push(await measured(async () => ({ calls: RECORD_CALLS, recordMs: await load(side, RECORD_CALLS, pacing), burstNs })));
    await side.flush();
    Object.assign(rounds[i], side.counts());
  }
  await side.close();
  return { rounds };
}

async function pacedScenario(lib, config) {
  const side = await makeSide(lib, config);
  const pacing = { rate: config.rate, tickMs: 5 };
  await load(side, Math.round((config.rate * WARMUP_MS) / 1000), pacing);
  await side.flush();
  const calls = Math.round(config.rate * roundSeconds(config.rate));
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    side.reset();
    rounds.push(await measured(async () => {
      const recordMs = await load(side, calls, pacing);
      await side.flush();
      return { calls, recordMs, ...side.counts() };
    }));
  }
  await side.close();
  return { rounds };
}

async function ceilingScenario(lib, config) {
  const side = await makeSide(lib, config);
  const pacing = { rate: config.rate, tickMs: 1 };
  await load(side, Math.round((config.rate * WARMUP_MS) / 1000), pacing);
  await side.flush();
  side.reset();
  const r = await measured(async () => {
    const recordMs = await load(side, config.calls, pacing);
    await side.flush();
    return { recordMs };
  });
  const stats = side.stats();
  await side.close();
  return {
    callsPerSec: config.calls / (r.recordMs / 1000),
    ackedPerSec: stats.exported / (r.wallMs / 1000),
    loopP99Ms: r.loopP99Ms,
    gcs: r.gcs,
    mainNsPerCall: r.mainNs / config.calls,
    wholeUsPerSpan: r.wholeUs / config.calls,
    stats,
  };
}

// Last, so that every constant above is initialised before a scenario runs.
if (process.argv.includes('--scenario')) await scenario(JSON.parse(arg('scenario')));
else await main();

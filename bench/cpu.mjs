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
// Layout: this file is the entry and the parent (the groups run in order, each scenario in a child
// process: this file again, with --scenario); bench/cpu/ holds the rest: config.mjs (argv and
// sizes), scenarios.mjs, sides.mjs, driver.mjs and probes.mjs (the child), summary.mjs and
// report.mjs (medians, nets and the tables).
import { spawn } from 'node:child_process';
import { jsonOutput, machine, startReceiver } from './util.mjs';
import { CEILING_CALLS, CEILING_MAX, CEILING_START, CEILING_STEP, CLUSTER, GROUPS, IDLE_MS, KEEP_UP, LOOP_MONITOR, ONLY, QUICK, RATES, RECORD_CALLS, ROUNDS, arg } from './cpu/config.mjs';
import { report } from './cpu/report.mjs';
import { scenario } from './cpu/scenarios.mjs';
import { mean, net, ratio, summarise } from './cpu/summary.mjs';

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

if (process.argv.includes('--scenario')) await scenario(JSON.parse(arg('scenario')));
else await main();

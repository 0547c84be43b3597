// Parent side of bench/cpu.mjs: the tables printed without --json, one per scenario group, from
// the same result object that --json prints.
import { print } from '../util.mjs';
import { CEILING_MAX } from './config.mjs';
import { mean } from './summary.mjs';

const f = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d }));
const rounds = (xs, d = 0) => xs.map((x) => f(x, d)).join(' / ');
const meets = (x, ok) => (x === null || x === undefined ? '-' : ok(x) ? 'yes' : 'NO');

export function report(r) {
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

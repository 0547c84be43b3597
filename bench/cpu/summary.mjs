// Parent side of bench/cpu.mjs: a scenario child's rounds reduced to medians, and the nets
// (tracer minus the driver alone) and ratios the tables and --json show.
import { median } from '../util.mjs';

export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
export const ratio = (a, b) => (b > 0 ? a / b : null);

/** Per-round figures of a paced or record child, and the median of each. */
export function summarise({ mainSource, rounds }) {
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

export function net(r, none) {
  return { netMainNsPerCall: r.mainNsPerCall - none.mainNsPerCall, netWholeUsPerSpan: r.wholeUsPerSpan - none.wholeUsPerSpan };
}

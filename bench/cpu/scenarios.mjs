// Child side of bench/cpu.mjs: one scenario in its own process (idle, record, paced, ceiling),
// run from `--scenario JSON`; it writes its figures to stdout as one JSON object.
import { DIST, IDLE_MS, RECORD_CALLS, RECORD_RING, ROUNDS, WARMUP_MS, roundSeconds } from './config.mjs';
import { burstNsSoFar, load, resetBurstNs } from './driver.mjs';
import { MAIN_SOURCE, mainCpuNs, measured, observeGc, sleep } from './probes.mjs';
import { makeSide } from './sides.mjs';

export async function scenario(config) {
  observeGc();
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
    resetBurstNs();
    rounds.push(await measured(async () => ({ calls: RECORD_CALLS, recordMs: await load(side, RECORD_CALLS, pacing), burstNs: burstNsSoFar() })));
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

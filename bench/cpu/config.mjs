// The run's options (from this process's argv, the same in the parent and in each scenario child,
// which gets the parent's flags) and the fixed sizes of bench/cpu.mjs's scenarios.
import { pathToFileURL } from 'node:url';

export const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
export const QUICK = process.argv.includes('--quick');
// --no-loop-monitor: no monitorEventLoopDelay in the windows (its 1 ms timer keeps the event loop
// from sleeping longer than 1 ms, which changes what each wake-up costs), for comparison.
export const LOOP_MONITOR = !process.argv.includes('--no-loop-monitor');
export const GROUPS = ['idle', 'record', 'rates', 'sdk', 'ceiling', 'cluster'];
export const ONLY = arg('only');
export const DIST = process.env.RACTO_DIST ? pathToFileURL(process.env.RACTO_DIST).href : new URL('../../dist/index.js', import.meta.url).href;

export const ROUNDS = Number(arg('rounds') ?? 3);
export const WARMUP_MS = QUICK ? 300 : 1000;
export const IDLE_MS = QUICK ? 2000 : 8000;
export const roundSeconds = (rate) => (QUICK ? (rate >= 20_000 ? 0.5 : 1) : rate >= 20_000 ? 3 : 5);
export const RATES = [2_000, 20_000, 200_000];
export const RECORD_CALLS = 60_000;
export const RECORD_RING = 262_144;
export const CEILING_CALLS = QUICK ? 200_000 : 1_000_000;
export const CEILING_START = 400_000;
export const CEILING_STEP = 100_000;
export const CEILING_MAX = 2_000_000;
export const KEEP_UP = 0.95;
export const CLUSTER = 4;

// Child side of bench/cpu.mjs: what a scenario process reads about itself around a measured
// window: the main thread's on-CPU ns (schedstat) and minor page faults, the whole process's CPU
// (process.cpuUsage()), the main isolate's garbage collections and the event-loop delay.
import { existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { LOOP_MONITOR } from './config.mjs';

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
export const MAIN_SOURCE = existsSync(SCHEDSTAT) ? 'schedstat' : 'process';
const TASK_STAT = `/proc/self/task/${process.pid}/stat`;
// One pread on a descriptor kept open, parsed without making a string.
const schedFd = MAIN_SOURCE === 'schedstat' ? openSync(SCHEDSTAT, 'r') : -1;
const schedBuf = Buffer.alloc(96);

/** Nanoseconds on CPU: of the main thread (schedstat), else of the whole process. */
export function mainCpuNs() {
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

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Start times of the main isolate's garbage collections, on the performance.now() timeline.
const gcStarts = [];

/** Starts collecting the start times of the main isolate's garbage collections. */
export function observeGc() {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcStarts.push(e.startTime);
  }).observe({ entryTypes: ['gc'] });
}

/** One measured window around `work` (which resolves to counts); CPU, GCs and loop delay. */
export async function measured(work) {
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

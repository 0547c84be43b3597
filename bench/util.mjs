// Shared helpers of the benchmark scripts.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import v8 from 'node:v8';

/** Starts bench/receiver.mjs in its own process; resolves to its ports and a stop function. */
export async function startReceiver() {
  const child = spawn(process.execPath, [new URL('./receiver.mjs', import.meta.url).pathname], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // The receiver stands in for a collector, which in production runs on other hosts: at nice 10
  // it still gets every idle cycle, but does not preempt the measured process's threads.
  if (process.env.RECEIVER_NICE !== '0') os.setPriority(child.pid, 10);
  const [line] = await once(child.stdout, 'data');
  const ports = JSON.parse(String(line).split('\n')[0]);
  return {
    ...ports,
    stop: async () => {
      child.stdin.end();
      await once(child, 'exit');
    },
  };
}

export function machine() {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export const jsonOutput = process.argv.includes('--json');

export function print(title, rows, columns) {
  if (jsonOutput) return;
  console.log(`\n${title}`);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  console.log(columns.map((c, i) => c.padEnd(widths[i])).join('  '));
  for (const r of rows) console.log(columns.map((c, i) => String(r[c]).padEnd(widths[i])).join('  '));
}

const ownSchedstat = `/proc/${process.pid}/task/${process.pid}/schedstat`;

/**
 * This process's main thread's own on-CPU time in ns: the first field of
 * /proc/<pid>/task/<pid>/schedstat. The kernel brings that field up to date only at a scheduler
 * tick or switch (4 ms steps here), unless something asks for the running thread's time first:
 * process.cpuUsage() (getrusage) does, so it is called just before the read.
 */
export function threadCpuNs() {
  process.cpuUsage();
  return Number(readFileSync(ownSchedstat, 'latin1').split(' ')[0]);
}
/** Nanoseconds of CPU of the whole process, every thread (process.cpuUsage()). */
export const wholeNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};
export const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * What `run(calls)` allocates on this thread, per call: minor GCs (scavenges) counted over the
 * window at a `semiSpaceMb` semi-space, and the exact bytes where V8 reports
 * total_allocated_bytes (Node 26). GC entries arrive asynchronously: earlier ones are let in
 * before the count starts, the window's own before it ends.
 */
export async function allocationPerCall(run, calls, semiSpaceMb) {
  let minor = 0;
  let counting = false;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (counting && (e.detail?.kind ?? e.kind) === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
  });
  obs.observe({ entryTypes: ['gc'] });
  await new Promise((resolve) => setTimeout(resolve, 50));
  counting = true;
  const before = v8.getHeapStatistics().total_allocated_bytes;
  await run(calls);
  const after = v8.getHeapStatistics().total_allocated_bytes;
  await new Promise((resolve) => setTimeout(resolve, 50));
  counting = false;
  obs.disconnect();
  const out = { scavenges: minor, scavengeBytes: (minor * semiSpaceMb * 2 ** 20) / calls };
  if (before !== undefined) out.exact = (after - before) / calls;
  return out;
}

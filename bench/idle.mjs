// What a tracer that records nothing costs once ready(): resident memory and CPU, per window
// after ready(), against the same process shape without a tracer. Each side runs in a fresh
// child process (the package imported in both), RUNS times alternating; CPU is every thread's
// own ticks from /proc/self/task/*/stat (10 ms each) over WINDOWS windows of WINDOW_MS, so the
// settling right after ready() and the steady state show apart. `IDLE_RUNS`, `IDLE_WINDOWS` set
// them.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jsonOutput, machine, median, print } from './util.mjs';

const RUNS = Number(process.env.IDLE_RUNS ?? 3);
const WINDOWS = Number(process.env.IDLE_WINDOWS ?? 4);
const WINDOW_MS = 8000;

/** Every thread's user + system ticks (10 ms) of this process. */
function ticks() {
  let total = 0;
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const s = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      total += Number(f[11]) + Number(f[12]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return total;
}

async function child(side) {
  const { RactoTracer } = await import('../dist/index.js');
  const tracer = side === 'tracer' ? new RactoTracer({ otlpHttpEndpoint: 'http://127.0.0.1:4318' }) : undefined;
  await tracer?.ready();
  const windows = [];
  let prev = ticks();
  for (let w = 0; w < WINDOWS; w++) {
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const now = ticks();
    windows.push(((now - prev) * 10) / WINDOW_MS * 100);
    prev = now;
  }
  const out = { rssMB: process.memoryUsage().rss / 2 ** 20, windows, wakeups: tracer?.stats().wakeups };
  await tracer?.shutdown();
  console.log(JSON.stringify(out));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
} else {
  const self = fileURLToPath(import.meta.url);
  const runs = { none: [], tracer: [] };
  for (let r = 0; r < RUNS; r++) {
    for (const side of ['none', 'tracer']) {
      runs[side].push(JSON.parse(execFileSync(process.execPath, [self, '--child', side], { encoding: 'utf8' })));
    }
  }
  const rows = Object.entries(runs).map(([side, rs]) => {
    const row = { side, 'resident MB (median)': median(rs.map((x) => x.rssMB)).toFixed(1) };
    for (let w = 0; w < WINDOWS; w++) {
      row[`% of a core ${(w * WINDOW_MS) / 1000}-${((w + 1) * WINDOW_MS) / 1000} s`] = rs.map((x) => x.windows[w].toFixed(2)).join(' / ');
    }
    row.wakeups = side === 'tracer' ? rs.map((x) => `${x.wakeups.clock}+${x.wakeups.drain}`).join(' / ') : '';
    return row;
  });
  if (jsonOutput) console.log(JSON.stringify({ suite: 'idle', machine: machine(), runs }, null, 2));
  else {
    console.log(`machine: ${machine()}`);
    print(`Idle after ready() (${RUNS} runs per side, each a fresh process; CPU of every thread per ${WINDOW_MS / 1000} s window after ready())`, rows, Object.keys(rows[0]));
  }
}

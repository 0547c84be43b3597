// The coarse clock (hard problems 4 and 9). Main thread side. A record needs the time the call
// ended; performance.now() costs ~40-70 ns on these VMs, as much as the rest of the record call.
// A small thread can store the time into a shared float64 every millisecond for the record to
// read (~1 ns), but each of its wake-ups costs ~45 µs of CPU here (4-5 % of a core at 1 ms):
// worth it only while calls are frequent. So the ticker is adaptive:
//   - it starts parked before tracer.ready() resolves (an idle tracer's thread never wakes), and
//     wakes when records are published faster than FAST_RATE calls/s, measured by the
//     scheduler's publishes;
//   - it parks (Atomics.wait without a timeout, on a thread that does no I/O) once the write
//     index has not moved for long enough to mean fewer than SLOW_RATE calls/s, and sets the
//     cell to -1;
//   - while the cell is -1 the writer calls performance.now() itself.
// Span durations are always exact (they come from the caller's latencyMs); only where a span
// sits on the timeline may lag by about one tick while the ticker runs. `clock: 'precise'` never
// starts it, and a caller that passes `endTime` skips the clock altogether.

import { Worker } from 'node:worker_threads';
import { CLOCK_PARKED, CLOCK_STOP, H_WRITE, K_STATE, K_TICKS, K_WAKE } from '../shared/layout.js';

/** Calls per second above which the ticker runs; below SLOW_RATE it parks again. */
export const FAST_RATE = 50_000;
export const SLOW_RATE = 25_000;
/** A rate is measured over at least this long, or this many records. */
const RATE_WINDOW_MS = 10;
const RATE_WINDOW_RECORDS = 4096;

// The ticking thread: CommonJS, evaluated from this string so it needs no file of its own.
const TICKER = `
const { workerData: d } = require('node:worker_threads');
const cell = new Float64Array(d.cell);
const c = new Int32Array(d.control);
const head = new Uint32Array(d.ring, 0, 16);
const shift = performance.timeOrigin - d.mainOrigin;
let last = Atomics.load(head, d.H_WRITE);
// Started before ready() (prestart), it parks at once: no tick until records come fast.
let moved = d.startParked ? -Infinity : performance.now();
for (;;) {
  if (Atomics.load(c, d.K_STATE) === d.STOP) break;
  const now = performance.now();
  const w = Atomics.load(head, d.H_WRITE);
  if (w !== last) { last = w; moved = now; }
  if (now - moved > d.parkAfterMs) {
    cell[0] = -1;
    const seen = Atomics.load(c, d.K_WAKE);
    if (Atomics.compareExchange(c, d.K_STATE, 0, d.PARKED) !== 0) break;
    Atomics.wait(c, d.K_WAKE, seen);
    if (Atomics.compareExchange(c, d.K_STATE, d.PARKED, 0) !== d.PARKED) break;
    last = Atomics.load(head, d.H_WRITE);
    moved = performance.now();
    continue;
  }
  Atomics.add(c, d.K_TICKS, 1);
  cell[0] = now + shift;
  Atomics.wait(c, d.K_WAKE, Atomics.load(c, d.K_WAKE), d.resolutionMs);
}
cell[0] = -1;
`;

const { hrtime } = process;
const hrMs = (): number => {
  const t = hrtime();
  return t[0] * 1e3 + t[1] * 1e-6;
};
/**
 * performance.now() minus hrtime in ms: both read the same monotonic clock, so it is constant.
 * Taken from the tightest of a few bracketed reads, so a preemption cannot skew it.
 */
const HR_TO_PERFORMANCE = ((): number => {
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 8; i++) {
    const before = hrMs();
    const perf = performance.now();
    const after = hrMs();
    if (after - before < best) {
      best = after - before;
      offset = perf - (before + after) / 2;
    }
  }
  return offset;
})();

/**
 * performance.now(), read through process.hrtime(): on Node 20 that is ~35 ns against ~70 ns
 * for performance.now() itself (which wraps the same read in more work). The record call's
 * clock when the coarse clock does not tick.
 */
export function preciseNow(): number {
  const t = hrtime();
  return t[0] * 1e3 + t[1] * 1e-6 + HR_TO_PERFORMANCE;
}

export class CoarseClock {
  /** cell[0]: the latest tick on this thread's performance.now() timeline, or -1 (read the clock). */
  readonly cell: Float64Array;
  readonly #control: Int32Array;
  readonly #ring: SharedArrayBuffer;
  readonly #resolutionMs: number;
  readonly #parkAfterMs: number;
  #worker: Worker | undefined;
  /** The rate window: when it began and the write index then. */
  #windowAt = -Infinity;
  #windowIndex = 0;
  #closed = false;

  constructor(control: Int32Array, ring: SharedArrayBuffer, batch: number, resolutionMs: number) {
    this.cell = new Float64Array(new SharedArrayBuffer(8));
    this.cell[0] = -1;
    this.#control = control;
    this.#ring = ring;
    this.#resolutionMs = resolutionMs;
    this.#parkAfterMs = Math.max(10 * resolutionMs, (batch / SLOW_RATE) * 1000);
  }

  /**
   * The scheduler published the records below `index` (a full batch, the delay, a flush): starts
   * or wakes the ticker when they came faster than FAST_RATE over the last RATE_WINDOW_MS or more.
   */
  published(index: number): void {
    const now = performance.now();
    const elapsed = now - this.#windowAt;
    // A window closes after RATE_WINDOW_MS, or sooner once it holds RATE_WINDOW_RECORDS (a
    // synchronous burst can publish many batches within a millisecond).
    if (elapsed < RATE_WINDOW_MS && index - this.#windowIndex < RATE_WINDOW_RECORDS) return;
    const fast = ((index - this.#windowIndex) / elapsed) * 1000 > FAST_RATE;
    this.#windowAt = now;
    this.#windowIndex = index;
    if (!fast || this.cell[0] >= 0 || this.#closed) return;
    if (this.#worker === undefined) {
      this.#start();
    } else if (Atomics.load(this.#control, K_STATE) === CLOCK_PARKED) {
      Atomics.add(this.#control, K_WAKE, 1);
      Atomics.notify(this.#control, K_WAKE);
    }
  }

  /**
   * Starts the ticking thread now, before tracer.ready() resolves, parked: it ticks only once
   * records come faster than FAST_RATE (an idle tracer's thread never wakes). Started by the first fast burst instead, its start-up (a new isolate: ~50-100 ms
   * of CPU on these VMs) competed with the drain loop for the cores just when that burst arrived.
   */
  prestart(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const worker = this.#worker ?? this.#start(true);
    return new Promise((resolve) => {
      worker.once('online', () => resolve());
      worker.once('exit', () => resolve());
    });
  }

  get ticks(): number {
    return Atomics.load(this.#control, K_TICKS);
  }

  #start(startParked = false): Worker {
    const worker = new Worker(TICKER, {
      eval: true,
      workerData: {
        cell: this.cell.buffer,
        control: this.#control.buffer,
        ring: this.#ring,
        mainOrigin: performance.timeOrigin,
        resolutionMs: this.#resolutionMs,
        parkAfterMs: this.#parkAfterMs,
        startParked,
        H_WRITE,
        K_STATE,
        K_WAKE,
        K_TICKS,
        PARKED: CLOCK_PARKED,
        STOP: CLOCK_STOP,
      },
      stdout: false,
      stderr: false,
      // A thread that only stores numbers: keep its heap small.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 },
    });
    this.#worker = worker;
    // Never keeps the process alive. If it dies unasked (say, a resource limit), the cell would
    // freeze at its last tick, so it is set to -1: the writer reads the clock per call from then on.
    worker.unref();
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      this.cell[0] = -1;
    });
    return worker;
  }

  close(): Promise<number | void> {
    this.#closed = true;
    Atomics.store(this.#control, K_STATE, CLOCK_STOP);
    Atomics.add(this.#control, K_WAKE, 1);
    Atomics.notify(this.#control, K_WAKE);
    this.cell[0] = -1;
    return this.#worker?.terminate() ?? Promise.resolve();
  }
}

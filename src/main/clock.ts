// The coarse clock (architecture, hard problem 4, and issue 4's "where the time has to be read").
// Main thread side. A record needs the time the call ended; reading performance.now() costs
// ~40-50 ns on these VMs, about as much as the rest of the record call. A small dedicated thread
// stores the time into one shared float64 every `resolutionMs`, and the record call reads that
// cell (~1 ns). Span durations stay exact (they come from the caller's latencyMs); only where
// the span sits on the timeline may lag by about one resolution step. `clock: 'precise'` reads
// performance.now() per call instead, and a caller that passes `endTime` skips both.

import { Worker } from 'node:worker_threads';

// The ticking thread: CommonJS, evaluated from this string so it needs no file of its own.
// cell[0] = now on the main thread's performance.now() timeline; ctl[0] = 1 asks it to stop.
const TICKER = `
const { workerData } = require('node:worker_threads');
const cell = new Float64Array(workerData.cell);
const ctl = new Int32Array(workerData.ctl);
const shift = performance.timeOrigin - workerData.mainOrigin;
const step = workerData.resolutionMs;
while (Atomics.load(ctl, 0) === 0) {
  cell[0] = performance.now() + shift;
  Atomics.wait(ctl, 0, 0, step);
}
`;

export class CoarseClock {
  /** cell[0]: the latest tick, in milliseconds on this thread's performance.now() timeline. */
  readonly cell: Float64Array;
  readonly #ctl: Int32Array;
  readonly #worker: Worker;

  #closing = false;

  /**
   * `onReady` runs once the ticker is running (the cell is live from then on; until then the
   * writer reads performance.now() itself). `onLost` runs if the ticker dies unasked.
   */
  constructor(resolutionMs: number, onReady: () => void, onLost: () => void) {
    this.cell = new Float64Array(new SharedArrayBuffer(8));
    this.cell[0] = performance.now();
    this.#ctl = new Int32Array(new SharedArrayBuffer(4));
    this.#worker = new Worker(TICKER, {
      eval: true,
      workerData: { cell: this.cell.buffer, ctl: this.#ctl.buffer, mainOrigin: performance.timeOrigin, resolutionMs },
      stdout: false,
      stderr: false,
    });
    // Never keeps the process alive. Starting takes a few tens of ms (a new isolate), hence
    // onReady. If it dies (say, a resource limit), the cell would freeze,
    // so the writer is told to read the clock per call from then on.
    this.#worker.unref();
    this.#worker.on('error', () => undefined);
    this.#worker.once('online', onReady);
    this.#worker.on('exit', () => {
      if (!this.#closing) onLost();
    });
  }

  close(): Promise<number> {
    this.#closing = true;
    Atomics.store(this.#ctl, 0, 1);
    Atomics.notify(this.#ctl, 0);
    return this.#worker.terminate();
  }
}

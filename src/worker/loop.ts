// The drain loop: one per worker thread, alive from the worker's start to shutdown. Worker only.
//
//   park ──(main publishes records: C_WAKE)──> claim a range (CAS on C_CLAIM) ──> copy it out
//     ^                                           │ (its ring slots are free again)
//     └──── nothing published is unclaimed <──────┴──> send to every destination (async)
//                                                        └─> count the outcome in shared counters
//
// It never blocks its thread (the worker does network I/O): it parks with Atomics.waitAsync on
// C_WAKE, and the main thread notifies C_WAKE only when it publishes records while a loop sleeps
// (C_SLEEPERS > 0). No timer runs here: the main thread publishes a partial batch once
// scheduledDelayMillis have passed, so every published record is due at once.
//
// Crash safety of the books: a claim adds its records to the slot's S_IN_FLIGHT in the same
// synchronous stretch as the CAS, and a settle removes them in the same synchronous stretch
// that counts them; neither stretch calls user code or allocates, so a worker that dies (say, a
// user exporter calls process.exit) leaves exactly its uncounted records in S_IN_FLIGHT, which
// the main thread counts as workerCrash.

import {
  C_CLAIM,
  C_PRICES,
  C_PROGRESS,
  C_SETTLED,
  C_SLEEPERS,
  C_STOP,
  C_WAKE,
  H_WRITE,
  S_COPYING,
  S_COPY_FROM,
  S_IN_FLIGHT,
  S_OLDEST,
  S_WAKEUPS,
  N_SAMPLED,
  slotWord,
} from '../shared/layout.js';
import { isPublished, type RingViews } from '../shared/ring.js';
import type { DestinationOutcome } from '../shared/worker-config.js';
import type { ArenaViews } from '../shared/arena.js';
import type { BufferPool } from './buffers.js';
import { takeRange, type TakenRange } from './build.js';
import { countBatch, type Keeper, type Spoolable } from './outcomes.js';
import type { PriceVersions } from './prices.js';

/** What the loop needs from its worker: where to send a batch and how to count it. */
export interface LoopHost {
  /** Sends a batch to every destination; resolves to one outcome per counted destination. */
  send(range: TakenRange, batch: number): Promise<DestinationOutcome[]>;
  /** Reports failures to the main thread (once per failed batch and destination). */
  failed(names: string, n: number, outcome: DestinationOutcome): void;
  /** Names of the counted destinations, in counter order. */
  readonly names: readonly string[];
  /** Buffers for each claimed range's copy and ids (given back by send). */
  readonly pool: BufferPool;
  /**
   * Sees every claimed range before it is sent: metrics count it, tail sampling may leave spans
   * out (TakenRange.retain). Returns how many it left out.
   */
  observe(range: TakenRange): number;
  /** The disk spool, when options.spoolDir is set (outcomes.ts). */
  readonly spool?: { keeper: Keeper; spoolable: Spoolable };
  /** Says a worker-side problem to the main thread (diag). */
  log?(message: string): void;
  /** The content arena (captureContent): a claimed range's blobs are copied with its records. */
  readonly arena?: ArenaViews;
}

/** 32-bit words in a 4 KiB page. */
const PAGE_WORDS = 1024;
const CLAIMED = 0;
/** Nothing published is unclaimed. */
const EMPTY = 1;
/** Records wait for a price table this worker has not received yet. */
const NO_PRICES = 2;
type Claim = typeof CLAIMED | typeof EMPTY | typeof NO_PRICES;

interface InFlight {
  start: number;
  n: number;
}

export class DrainLoop {
  readonly #ring: RingViews;
  readonly #control: Int32Array;
  readonly #counters: BigInt64Array;
  readonly #unpricedAt: number;
  readonly #prices: PriceVersions;
  readonly #host: LoopHost;
  readonly #batch: number;
  readonly #maxPending: number;
  readonly #w: { copying: number; copyFrom: number; inFlight: number; oldest: number; wakeups: number };
  readonly #inFlight = new Set<InFlight>();
  #batchSeq = 0;
  #prefaulted = false;
  /** Resolves the loop's wait for a free in-flight place, when it waits for one. */
  #onSettle: (() => void) | undefined;

  constructor(
    ring: RingViews,
    control: Int32Array,
    counters: BigInt64Array,
    unpricedAt: number,
    slot: number,
    prices: PriceVersions,
    host: LoopHost,
    batch: number,
    maxPending: number,
  ) {
    this.#ring = ring;
    this.#control = control;
    this.#counters = counters;
    this.#unpricedAt = unpricedAt;
    this.#prices = prices;
    this.#host = host;
    this.#batch = batch;
    this.#maxPending = maxPending;
    this.#w = {
      copying: slotWord(slot, S_COPYING),
      copyFrom: slotWord(slot, S_COPY_FROM),
      inFlight: slotWord(slot, S_IN_FLIGHT),
      oldest: slotWord(slot, S_OLDEST),
      wakeups: slotWord(slot, S_WAKEUPS),
    };
  }

  /** Runs until shutdown asks it to stop and nothing it holds is in flight. */
  async run(): Promise<void> {
    const c = this.#control;
    for (;;) {
      let claimed: Claim = CLAIMED;
      while (this.#inFlight.size < this.#maxPending && (claimed = this.#claim()) === CLAIMED) {
        // claimed, copied and sent: look for more
      }
      const stopping = Atomics.load(c, C_STOP) === 1;
      if (stopping && this.#inFlight.size === 0) return;
      if (this.#inFlight.size >= this.#maxPending || stopping) {
        await new Promise<void>((resolve) => (this.#onSettle = resolve));
      } else if (claimed === NO_PRICES) {
        await this.#prices.arrival();
      } else {
        await this.#park();
      }
    }
  }

  /**
   * Parks until the main thread publishes records. The Dekker pair with the main thread's
   * publish: this side raises C_SLEEPERS and then reads the write index; the main thread stores
   * the write index and then reads C_SLEEPERS. One of the two sees the other, so a record is
   * never left published with every loop asleep.
   */
  async #park(): Promise<void> {
    const c = this.#control;
    const seen = Atomics.load(c, C_WAKE);
    Atomics.add(c, C_SLEEPERS, 1);
    if (!this.#hasWork()) {
      const wait = Atomics.waitAsync(c, C_WAKE, seen);
      if (wait.async) await wait.value;
    }
    Atomics.sub(c, C_SLEEPERS, 1);
    Atomics.add(c, this.#w.wakeups, 1);
  }

  #hasWork(): boolean {
    const c = this.#control;
    if (Atomics.load(c, C_STOP) === 1) return true;
    return isPublished(this.#ring, Atomics.load(c, C_CLAIM) + 1);
  }

  /** Claims, copies and sends one range, if there is one it may take. */
  #claim(): Claim {
    const c = this.#control;
    const w = this.#w;
    for (;;) {
      // The write index first: a price version published before these records is then visible.
      const published = Atomics.load(this.#ring.header, H_WRITE);
      const start = Atomics.load(c, C_CLAIM);
      let n = (published - start) | 0;
      if (n <= 0) return EMPTY;
      const version = this.#prices.forClaim(start, Atomics.load(c, C_PRICES));
      if (version === undefined) return NO_PRICES; // a newer table is on its way (PricesMessage)
      n = Math.min(n, this.#batch, version.until);
      // Announce the claim before making it, so that the writer never reuses these slots and
      // flush() never counts them settled in between (layout.ts).
      Atomics.store(c, w.copyFrom, start);
      Atomics.store(c, w.copying, 1);
      if (Atomics.compareExchange(c, C_CLAIM, start, (start + n) | 0) !== start) {
        Atomics.store(c, w.copying, 0);
        continue; // another worker claimed first
      }
      if (this.#inFlight.size === 0) Atomics.store(c, w.oldest, start);
      Atomics.add(c, w.inFlight, n);
      const range = takeRange(this.#ring, start, start + n, version.ctx, this.#host.pool, this.#host.arena);
      // Releases the range's slots (and their content's bytes) to the writer; after this the
      // ring and the arena are not read again.
      Atomics.store(c, w.copying, 0);
      Atomics.add(c, C_PROGRESS, 1);
      Atomics.notify(c, C_PROGRESS);
      if (!this.#prefaulted) this.#prefault();
      const left = this.#host.observe(range);
      if (left > 0) {
        // Sampled out: counted, and out of the slot's books, in this same synchronous stretch.
        Atomics.add(this.#counters, N_SAMPLED, BigInt(left));
        Atomics.sub(c, w.inFlight, left);
        n -= left;
        if (n === 0) {
          this.#countUnpriced(range);
          range.release();
          this.#settled();
          return CLAIMED;
        }
      }
      const entry: InFlight = { start, n };
      this.#inFlight.add(entry);
      const batch = this.#batchSeq++;
      this.#host.send(range, batch).then(
        (outcomes) => this.#finish(entry, range, outcomes),
        (err: unknown) => this.#finish(entry, range, this.#failedEverywhere(err)),
      );
      return CLAIMED;
    }
  }

  /**
   * Touches every page of the ring once, its records and their extension rows: a fresh ring's
   * pages are mapped on first write, and the writer would otherwise take a page fault every 32
   * records (or rows) of its first lap (each a few µs of the request path). The worker does it at
   * start, before tracer.ready() resolves (drain.ts): done at the first claim, its ~10-30 ms
   * stalled this loop while a first burst filled the ring. The extension rows are prefaulted
   * too, although a bare call never writes them: every wrapped call does (its response fields).
   * Atomics.add of 0 is a write that cannot change a record the writer is writing concurrently.
   */
  prefault(): void {
    if (!this.#prefaulted) this.#prefault();
  }

  #prefault(): void {
    this.#prefaulted = true;
    for (const u of [this.#ring.u32, this.#ring.ext]) for (let i = 0; i < u.length; i += PAGE_WORDS) Atomics.add(u, i, 0);
  }

  #failedEverywhere(err: unknown): DestinationOutcome[] {
    return this.#host.names.map(() => ({ ok: false, reason: 'exportError', message: String(err) }));
  }

  /**
   * #settle, which never throws here: if counting the outcomes throws before the batch left the
   * slot's books, it is counted failed (exportError) instead, without the spool, so that no span
   * stays pending for ever.
   */
  #finish(entry: InFlight, range: TakenRange, outcomes: DestinationOutcome[]): void {
    try {
      this.#settle(entry, range, outcomes);
    } catch (err) {
      this.#host.log?.(`ractogateway: counting a batch of ${entry.n} spans failed (${String(err)}); counted failed (exportError)`);
      if (!this.#inFlight.has(entry)) return;
      try {
        this.#settle(entry, range, this.#failedEverywhere(err));
      } catch (again) {
        this.#host.log?.(`ractogateway: counting a batch of ${entry.n} spans failed again (${String(again)})`);
      }
    }
  }

  /** Counts a batch (outcomes.ts) and takes it off the slot's books. */
  #settle(entry: InFlight, range: TakenRange, outcomes: DestinationOutcome[]): void {
    const c = this.#control;
    const k = this.#counters;
    const n = entry.n;
    // Reported before the batch counts as settled: a shutdown that sees it settled then waits
    // for these lines (C_LOGS) before it stops the thread. Spooled spans are written to disk in here (synced in groups, spool/sync.ts).
    countBatch(k, n, outcomes, this.#host.spool, (i, spans, o) => this.#host.failed(this.#host.names[i], spans, o));
    this.#countUnpriced(range);
    this.#inFlight.delete(entry);
    let oldest: number | undefined;
    for (const f of this.#inFlight) if (oldest === undefined || ((f.start - oldest) | 0) < 0) oldest = f.start;
    if (oldest !== undefined) Atomics.store(c, this.#w.oldest, oldest);
    // Counted: the records leave the slot's books in this same synchronous stretch.
    Atomics.sub(c, this.#w.inFlight, n);
    this.#settled();
  }

  #countUnpriced(range: TakenRange): void {
    for (const [modelId, calls] of range.unpricedIds) Atomics.add(this.#counters, this.#unpricedAt + modelId, BigInt(calls));
  }

  /** Tells flush() and a blocked writer that a batch is settled, and the loop that a place is free. */
  #settled(): void {
    const c = this.#control;
    Atomics.add(c, C_SETTLED, 1);
    Atomics.notify(c, C_SETTLED);
    Atomics.add(c, C_PROGRESS, 1);
    Atomics.notify(c, C_PROGRESS);
    const wake = this.#onSettle;
    this.#onSettle = undefined;
    wake?.();
  }
}

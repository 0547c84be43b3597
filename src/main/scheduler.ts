// DrainScheduler: decides when written records are due for the drain loops, and reads back from
// shared memory what they have done with them. Main thread only.
//
// Records are published (ring.ts publishWrite: one Atomics.store of the write index) when a full
// batch is waiting, when the oldest unpublished record has waited scheduledDelayMillis (one
// unref'd timer, armed by the first record after a publish: none runs while nothing is
// recorded), and on flush(). Publishing per record would cost the request path a full memory
// fence (~17 ns on x86); per batch it is one store, plus one Atomics.notify when a drain loop
// sleeps. Nothing else happens here per batch: the loops claim, export and count by themselves.
//
// Who may reuse a slot (hard problem 2) and what is settled are read from the control block
// (layout.ts) by loop-progress.ts: reclaim() and flush(). The price table's versions are
// price-history.ts.

import { diag } from '@opentelemetry/api';
import { COARSE_CLOCK_RESOLUTION_MS, type ResolvedOptions } from '../options/index.js';
import { C_CLAIM, C_CLOSING, C_PRICES, C_PROGRESS, C_REPLAYING, C_SETTLED, C_SLEEPERS, C_STOP, controlBytes, counterLayout, slotCount } from '../shared/layout.js';
import { publishWrite, wakeDrainLoops, type RingViews } from '../shared/ring.js';
import { StringTableReader, type StringTableWriter } from '../shared/strings.js';
import { LearnedStrings, StringsView } from '../shared/learned-strings.js';
import { HEALTH_WORDS } from '../shared/metrics-config.js';
import type { DestinationConfig } from '../shared/worker-config.js';
import { priceTableToData, type PriceTableData } from '../pricing/model-pricing.js';
import { CoarseClock } from './clock.js';
import type { Counters } from './counters.js';
import { WorkerPool } from './pool.js';
import { lockSpoolDir, type SpoolLock } from './spool-lock.js';
import { holdMetricsPort, type PortHold } from './metrics-port.js';
import { randomBytes } from 'node:crypto';
import type { RecordWriter } from './writer.js';
import { LoopProgress } from './loop-progress.js';
import { PriceHistory } from './price-history.js';

export const CUSTOM_DESTINATION = 'customExporter';
/** Longest wait at shutdown for the workers' last log lines to arrive. */
const LOG_WAIT_MILLIS = 500;
/**
 * Longest wait at shutdown for the spool's replayed requests in hand: one the collector took but
 * whose answer the worker never counts would be sent again by the next process.
 */
const REPLAY_WAIT_MILLIS = 2_000;

// A process that ends without shutdown() must neither hang nor lose what it recorded: nothing of
// ours keeps the event loop alive, and when it runs dry 'beforeExit' publishes the remaining
// records and waits (a ref'd timer, bounded by shutdownTimeoutMillis) until they are settled;
// then the loop runs dry again with nothing left, and the process exits.
const live = new Set<WeakRef<DrainScheduler>>();
process.on('beforeExit', () => {
  for (const ref of live) ref.deref()?.exiting();
});

export class DrainScheduler {
  /** Records below this index are published to the drain loops. */
  published = 0;
  readonly ready: Promise<boolean>;
  /** metricsText() and the /metrics port, from the metrics host worker. */
  readonly metrics: Pick<WorkerPool, 'metricsText' | 'prometheusPort'>;
  /** The adaptive coarse clock (clock.ts), unless clock: 'precise'. */
  readonly clock: CoarseClock | undefined;
  readonly #opts: ResolvedOptions;
  readonly #writer: RecordWriter;
  readonly #ring: RingViews;
  readonly #counters: Counters;
  readonly #control: Int32Array;
  /** What only this thread counts, for the metrics host (metrics-config.ts). */
  readonly #health: Float64Array;
  readonly #slots: number;
  readonly #pool: WorkerPool;
  /** Unpublished records that make a batch due. */
  readonly #due: number;
  #timer: NodeJS.Timeout | undefined;
  readonly #prices = new PriceHistory();
  /** What the drain loops have done, from the control block. */
  readonly #progress: LoopProgress;
  #exitFlush: Promise<boolean> | undefined;
  readonly #self = new WeakRef(this);
  /** The spool directory's lock (options.spoolDir), held until close(). */
  readonly #spoolLock: SpoolLock | undefined;
  /** This tracer's prometheusPort among the process's tracers (metrics-port.ts), held until close(). */
  readonly #portHold: PortHold;

  constructor(opts: ResolvedOptions, writer: RecordWriter, ring: RingViews, strings: StringTableWriter, counters: Counters, destinations: DestinationConfig[], arena: SharedArrayBuffer | undefined, learned: SharedArrayBuffer) {
    // First: a spool directory held by another process fails the construction before any thread starts.
    this.#spoolLock = opts.spoolDir === undefined ? undefined : lockSpoolDir(opts.spoolDir);
    this.#portHold = holdMetricsPort(opts.metrics);
    try {
      this.#opts = opts;
      this.#writer = writer;
      this.#ring = ring;
      this.#counters = counters;
      this.#slots = slotCount(opts.workers);
      const control = new SharedArrayBuffer(controlBytes(this.#slots));
      this.#control = new Int32Array(control);
      this.#progress = new LoopProgress(this.#control, this.#slots, writer);
      const names = destinations.map((d) => d.name);
      if (opts.customExporter !== undefined) names.push(CUSTOM_DESTINATION);
      const layout = counterLayout(names.length, opts.maxStrings);
      const shared = new SharedArrayBuffer(layout.words * 8);
      const health = new SharedArrayBuffer(HEALTH_WORDS * 8);
      this.#health = new Float64Array(health);
      // A batch is due at maxExportBatchSize records, or at a quarter of a small ring.
      this.#due = Math.max(1, Math.min(opts.maxExportBatchSize, ring.capacity >>> 2));
      this.clock = opts.clock === 'coarse' ? new CoarseClock(this.#control, ring.buffer as SharedArrayBuffer, this.#due, COARSE_CLOCK_RESOLUTION_MS) : undefined;
      counters.attach({
        counters: new BigInt64Array(shared),
        layout,
        // stats().unpricedCalls names models of both tables: the main one and the learned one.
        strings: new StringsView(new StringTableReader(strings.buffer), new LearnedStrings(learned, opts.maxStrings)),
        stringCount: () => strings.size,
        wakeups: () => ({ clock: this.clock?.ticks ?? 0, drain: this.#progress.wakeups() }),
      }, names);
      this.#pool = new WorkerPool({
        ring: ring.buffer as SharedArrayBuffer,
        strings: strings.buffer,
        learned,
        control,
        counters: shared,
        health,
        slots: this.#slots,
        timeOrigin: performance.timeOrigin,
        resource: opts.resource,
        prices: priceTableToData(opts.priceTable),
        refreshPrices: opts.refreshPrices,
        spanNames: opts.spanNames,
        attributeKeys: [...opts.attributeKeys],
        destinations,
        maxStrings: opts.maxStrings,
        maxExportBatchSize: opts.maxExportBatchSize,
        maxPendingBatches: opts.maxPendingBatches,
        exportTimeoutMillis: opts.exportTimeoutMillis,
        workerNice: opts.workerNice,
        customExporter: opts.customExporter !== undefined,
        metrics: this.#portHold.config,
        spool: this.#spoolLock === undefined ? undefined : { dir: this.#spoolLock.dir, maxBytes: opts.spoolMaxBytes, session: randomBytes(8).toString('hex') },
        content: opts.content,
        arena,
      }, opts.workers, opts.customExporter, {
        crashed: (n) => {
          counters.failEverywhere('workerCrash', n);
          this.#mirror();
          // Its spooled segments are counted spooled already: a living worker adopts and replays them.
          if (this.#spoolLock !== undefined) this.#pool.post({ type: 'spool-orphans' });
        },
        priceVersions: () => this.#prices.messages(),
      });
      // Ready once the drain loops are warm (drain.ts) and the clock's thread is up (parked).
      const clockUp = this.clock?.prestart();
      this.ready = clockUp === undefined ? this.#pool.ready : Promise.all([this.#pool.ready, clockUp]).then(([ok]) => ok);
      this.metrics = this.#pool;
      writer.notifyAt = 1;
      // A full ring is looked at again only after the loops' progress word moved (writer.ts).
      writer.progress = this.#control;
      live.add(this.#self);
    } catch (err) {
      // The directory is free again for a tracer built after this failure.
      this.#spoolLock?.release();
      this.#portHold.release();
      throw err;
    }
  }

  /**
   * Called by the writer once `write` reaches `writer.notifyAt`: at the first record after the
   * delay timer fired (arms it again; it stays armed across full-batch publishes, so no record
   * waits longer than scheduledDelayMillis) and at every full batch (publishes it).
   */
  written(write: number): void {
    this.#timer ??= setTimeout(this.#onTimer, this.#opts.scheduledDelayMillis).unref();
    if (write - this.published >= this.#due) this.#publish(write);
    this.#writer.notifyAt = this.published + this.#due;
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    const write = this.#writer.write;
    if (write > this.published) this.#publish(write);
    // The next record arms the timer again.
    this.#writer.notifyAt = write + 1;
  };

  #publish(end: number): void {
    this.#mirror();
    publishWrite(this.#ring, end);
    this.published = end;
    this.clock?.published(end);
    // After the store above (Dekker pair with DrainLoop's park): a sleeping loop is woken.
    if (Atomics.load(this.#control, C_SLEEPERS) > 0) wakeDrainLoops(this.#control);
  }

  /**
   * Publishes every record written so far (the content arena is filling: its blobs are freed
   * once the loops copy their records).
   */
  publishNow(): void {
    this.#publishAll();
  }

  #mirror(): void {
    // Read by the metrics host only: nothing to do without metrics.
    if (this.#opts.metrics?.aggregate === true) this.#counters.mirror(this.#health, this.#writer.write, this.#writer.stringsFolded);
  }

  #publishAll(): void {
    const write = this.#writer.write;
    if (write > this.published) this.#publish(write);
  }

  /** Advances the writer's read index over every record the drain loops have copied out. */
  reclaim(): void {
    const read = this.#progress.copiedBelow();
    if (read > this.#writer.read) this.#writer.read = read;
  }

  /**
   * fullRingPolicy 'block': waits on this thread, at most `timeoutMillis`, until the ring has
   * room. Progress happens in the workers alone (they copy published ranges out, freeing ring
   * slots, and settle batches, freeing in-flight places); each step bumps C_PROGRESS.
   */
  blockForRoom(timeoutMillis: number): void {
    const writer = this.#writer;
    const deadline = performance.now() + timeoutMillis;
    this.#publishAll();
    for (;;) {
      const seen = Atomics.load(this.#control, C_PROGRESS);
      this.reclaim();
      if (writer.write - writer.read < this.#ring.capacity) return;
      const left = deadline - performance.now();
      if (left <= 0) return;
      Atomics.wait(this.#control, C_PROGRESS, seen, left);
    }
  }

  /** Resolves true once every record written before the call is counted, false on timeout. */
  async flush(timeoutMillis: number): Promise<boolean> {
    const target = this.#writer.write;
    this.#publishAll();
    const deadline = performance.now() + timeoutMillis;
    // A pending Atomics.waitAsync does not keep the event loop alive; this timer does.
    const keepAlive = setTimeout(() => undefined, timeoutMillis);
    try {
      for (;;) {
        const seen = Atomics.load(this.#control, C_SETTLED);
        if (this.#progress.settledBelow() >= target) break;
        const left = deadline - performance.now();
        if (left <= 0) return false;
        // Woken by each settle; the bound covers a worker's death, which settles nothing.
        const wait = Atomics.waitAsync(this.#control, C_SETTLED, seen, Math.min(left, 100));
        if (wait.async) await wait.value;
      }
    } finally {
      clearTimeout(keepAlive);
    }
    await this.#opts.customExporter?.forceFlush?.();
    return true;
  }

  /** 'beforeExit': settles what is left once (a failed attempt is not repeated forever). */
  exiting(): void {
    if (this.#writer.write === this.#progress.settledBelow() || this.#exitFlush !== undefined) return;
    this.#exitFlush = this.flush(this.#opts.shutdownTimeoutMillis).then((done) => {
      if (done) this.#exitFlush = undefined;
      return done;
    });
  }

  /**
   * tracer.setPriceTable(): records from the writer's current index on are priced with `table`.
   * The version number is in shared memory before any of those records is published, so no
   * loop prices them before it has the table (worker/prices.ts).
   */
  setPrices(table: PriceTableData): void {
    const claimed = this.#progress.full(Atomics.load(this.#control, C_CLAIM));
    const message = this.#prices.next(table, this.#writer.write, claimed);
    Atomics.store(this.#control, C_PRICES, message.version);
    this.#pool.post(message);
  }

  /**
   * shutdown() began: with a spool, a batch the collector does not take at its first attempt goes
   * to disk rather than waiting out its retry budget, and replay stops.
   */
  closing(): void {
    Atomics.store(this.#control, C_CLOSING, 1);
  }

  /** Waits (at most REPLAY_WAIT_MILLIS) until no worker has a replayed request in hand. */
  async #replaysEnded(): Promise<void> {
    const c = this.#control;
    const deadline = performance.now() + REPLAY_WAIT_MILLIS;
    for (let n = Atomics.load(c, C_REPLAYING); n > 0; n = Atomics.load(c, C_REPLAYING)) {
      const left = deadline - performance.now();
      if (left <= 0) return;
      const wait = Atomics.waitAsync(c, C_REPLAYING, n, left);
      if (!wait.async) continue;
      // Ref'd while it waits: the answer must be awaited.
      const keepAlive = setTimeout(() => undefined, left);
      await wait.value;
      clearTimeout(keepAlive);
    }
  }

  /**
   * After flush(): stops the loops and the threads, and counts whatever is unsettled as failed.
   * Spans left in the spool stay `spooled` (pending): the next process with this spoolDir sends them.
   */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    live.delete(this.#self);
    Atomics.store(this.#control, C_STOP, 1);
    wakeDrainLoops(this.#control);
    await this.#replaysEnded();
    await Promise.all([this.#pool.close(LOG_WAIT_MILLIS), this.clock?.close()]);
    // The threads are gone: nothing counts any more, so what is not counted never will be.
    const s = this.#counters.snapshot(0);
    // Every record written is exported, failed, spooled or sampled out by now, or never will be.
    const leftover = this.#writer.write - (s.exported + s.failed + s.spooled + s.droppedByReason.sampled);
    if (leftover > 0) {
      diag.warn(`ractogateway: shutdown gave up on ${leftover} spans (shutdownTimeout)`);
      this.#counters.failEverywhere('shutdownTimeout', leftover);
      this.#mirror();
    }
    if (s.spooled > 0) diag.warn(`ractogateway: ${s.spooled} spans stay in the spool (${this.#opts.spoolDir}) for the next process`);
    this.#spoolLock?.release();
    this.#portHold.release();
  }
}

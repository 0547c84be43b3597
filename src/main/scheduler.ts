// DrainScheduler: hands ranges of the ring to the piscina pool and accounts for their outcome.
// Main thread only; never imports worker code (the pool loads it by file URL).
//
// Who may reuse a slot (architecture, hard problem 2): several workers drain disjoint ranges and
// finish out of order. Each in-flight range owns a task slot in the shared `taskDone` array; the
// worker stores 1 there once it has read its records. The writer's `read` index advances over
// the oldest ranges only, and only while their flag is set, so a slot is never rewritten before
// every record in it has been read.

import { diag } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { Piscina } from 'piscina';
import type { ResolvedOptions } from '../options.js';
import { publishWrite, type RingViews } from '../shared/ring.js';
import {
  MAX_TASK_SLOTS,
  TASK_FINISHED,
  TASK_RUNNING,
  type DestinationConfig,
  type DestinationOutcome,
  type DrainResult,
  type DrainTask,
} from '../shared/worker-config.js';
import { exportSpans } from '../spans/export.js';
import { toReadableSpan } from '../spans/readable-span.js';
import { priceTableToData, type PriceTableData } from '../pricing/model-pricing.js';
import type { Counters, FailureReason } from './counters.js';
import type { RecordWriter } from './writer.js';

interface Range {
  start: number;
  end: number;
  slot: number;
  /** The worker is finished with the task (its slot may be reused). */
  workerDone: boolean;
  /** Its spans are counted: exported or failed. */
  settled: boolean;
  /** Its task slot went back to the free list before its result arrived (TASK_FINISHED seen). */
  slotReleased: boolean;
  promise: Promise<void>;
}

export const CUSTOM_DESTINATION = 'customExporter';
const PISCINA_TASKS_PER_WORKER = 1 << 20;
const WARM_UP: DrainTask = Object.freeze({ start: 0, end: 0, slot: -1 });

// A process that ends without shutdown() must neither hang nor lose what it recorded: the pool
// and the timer are unref'd, and when the event loop runs dry 'beforeExit' hands the ring's
// remaining records to the pool. The busy pool keeps the process alive until they are exported;
// then the loop runs dry again with nothing left to send, and the process exits.
const live = new Set<WeakRef<DrainScheduler>>();
process.on('beforeExit', () => {
  for (const ref of live) ref.deref()?.dispatch();
});

export class DrainScheduler {
  /** Records below this index have been handed to a worker (or counted failed at shutdown). */
  dispatched = 0;
  /** Resolves once every worker has started (true) or one failed to (false, logged). */
  readonly ready: Promise<boolean>;
  readonly #writer: RecordWriter;
  readonly #ring: RingViews;
  readonly #counters: Counters;
  readonly #pool: Piscina<DrainTask, DrainResult>;
  readonly #taskDone: Int32Array;
  readonly #workerNames: string[];
  readonly #custom: SpanExporter | undefined;
  readonly #resource: Resource;
  readonly #batch: number;
  readonly #maxPending: number;
  readonly #exportTimeout: number;
  readonly #freeSlots: number[] = [];
  readonly #unread: Range[] = [];
  readonly #unsettled = new Set<Range>();
  readonly #timer: NodeJS.Timeout;
  /** Undispatched records at which the writer dispatches at once instead of on setImmediate. */
  readonly #urgent: number;
  #immediate = false;
  /** Price tables by the record index they apply from; version 0 is in workerData. */
  readonly #priceVersions: { from: number; version: number; table: PriceTableData }[];

  constructor(
    opts: ResolvedOptions,
    writer: RecordWriter,
    ring: RingViews,
    strings: SharedArrayBuffer,
    counters: Counters,
    destinations: DestinationConfig[],
  ) {
    this.#writer = writer;
    this.#ring = ring;
    this.#counters = counters;
    this.#workerNames = destinations.map((d) => d.name);
    this.#custom = opts.customExporter;
    this.#resource = resourceFromAttributes({ 'service.name': opts.serviceName });
    this.#batch = opts.maxExportBatchSize;
    this.#maxPending = Math.min(opts.maxPendingBatches, MAX_TASK_SLOTS);
    this.#exportTimeout = opts.exportTimeoutMillis;
    this.#urgent = Math.max(this.#batch, ring.capacity >>> 2);
    this.#priceVersions = [{ from: 0, version: 0, table: priceTableToData(opts.priceTable) }];
    writer.notifyAt = this.#batch;
    // One state word per task slot, then the progress word (worker-config.ts).
    const taskDone = new SharedArrayBuffer((this.#maxPending + 1) * 4);
    this.#taskDone = new Int32Array(taskDone);
    for (let i = this.#maxPending - 1; i >= 0; i--) this.#freeSlots.push(i);
    this.#pool = new Piscina<DrainTask, DrainResult>({
      filename: new URL('../worker/drain.js', import.meta.url).href,
      minThreads: opts.workers,
      maxThreads: opts.workers,
      // Our task slots (maxPendingBatches) bound the work in flight, not piscina: a writer
      // blocked on a full ring reuses the slots of finished tasks before piscina, on this same
      // blocked thread, can see their results, so piscina must never hold a task back.
      concurrentTasksPerWorker: PISCINA_TASKS_PER_WORKER,
      // Workers do network I/O between tasks: they must not park in Atomics.wait.
      atomics: 'disabled',
      recordTiming: false,
      idleTimeout: 2 ** 31 - 1,
      workerData: {
        ring: ring.buffer,
        strings,
        taskDone,
        timeOrigin: performance.timeOrigin,
        serviceName: opts.serviceName,
        prices: priceTableToData(opts.priceTable),
        spanNames: opts.spanNames,
        attributeKeys: [...opts.attributeKeys],
        destinations,
        exportTimeoutMillis: opts.exportTimeoutMillis,
        workerNice: opts.workerNice,
        returnSpans: this.#custom !== undefined,
      },
    });
    this.#pool.on('error', (err: unknown) => diag.error('ractogateway: worker pool error', err));
    // Each worker loads its exporters on its first task. An empty task per worker does that now,
    // not on the first batch, which would otherwise wait behind connection set-up and JIT while
    // the ring fills.
    const started: Promise<boolean>[] = [];
    for (let i = 0; i < opts.workers; i++) {
      started.push(this.#pool.run(WARM_UP).then(
        () => true,
        (err: unknown) => {
          diag.error('ractogateway: worker start-up failed', err);
          return false;
        },
      ));
    }
    this.ready = Promise.all(started).then((all) => all.every(Boolean));
    this.#timer = setInterval(() => this.dispatch(), opts.scheduledDelayMillis).unref();
    live.add(this.#self);
  }

  readonly #self = new WeakRef(this);

  /**
   * Called by the writer once `write` reaches `writer.notifyAt`. The pool is not called from
   * here: piscina.run() costs microseconds, which would land on whichever request fills a batch.
   * Full batches are dispatched from a setImmediate after the current stretch of work, unless
   * a long synchronous burst has left a quarter of the ring undispatched.
   */
  written(write: number): void {
    if (write - this.dispatched >= this.#urgent) {
      this.dispatch();
      return;
    }
    if (!this.#immediate) {
      this.#immediate = true;
      setImmediate(this.#onImmediate).unref();
    }
    this.#writer.notifyAt = this.dispatched + this.#urgent;
  }

  readonly #onImmediate = (): void => {
    this.#immediate = false;
    this.dispatch();
  };

  /** Hands every waiting record to the pool, in batches, while task slots are free. */
  dispatch(): void {
    const write = this.#writer.write;
    while (this.dispatched < write && this.#freeSlots.length > 0) {
      const start = this.dispatched;
      // A batch never spans two price tables: it ends where setPriceTable() was called.
      const prices = this.#pricesAt(start);
      const end = Math.min(write, start + this.#batch, prices.until);
      const slot = this.#freeSlots.pop() as number;
      Atomics.store(this.#taskDone, slot, TASK_RUNNING);
      publishWrite(this.#ring, end);
      this.dispatched = end;
      const range: Range = { start, end, slot, workerDone: false, settled: false, slotReleased: false, promise: Promise.resolve() };
      this.#unread.push(range);
      this.#unsettled.add(range);
      const task: DrainTask = prices.version === 0 ? { start, end, slot } : { start, end, slot, prices: { version: prices.version, table: prices.table } };
      range.promise = this.#pool.run(task).then(
        (result) => this.#complete(range, result),
        (err: unknown) => this.#complete(range, err instanceof Error ? err : new Error(String(err))),
      );
    }
    // With no task slot free, a finishing task dispatches again; until then only a long burst
    // needs the writer's attention.
    this.#writer.notifyAt = this.dispatched + (this.#freeSlots.length > 0 ? this.#batch : this.#urgent);
  }

  /**
   * tracer.setPriceTable(): records from the writer's current index on are priced with `table`.
   * Workers get a version's table with each of its tasks; versions behind the dispatch point are
   * forgotten.
   */
  setPrices(table: PriceTableData): void {
    const from = this.#writer.write;
    const last = this.#priceVersions[this.#priceVersions.length - 1];
    // Nothing recorded since the last change: that version's table is replaced, except version 0,
    // whose table the workers hold from their start.
    if (last.from === from && last.version > 0) last.table = table;
    else this.#priceVersions.push({ from, version: last.version + 1, table });
  }

  #pricesAt(index: number): { version: number; table: PriceTableData; until: number } {
    const versions = this.#priceVersions;
    while (versions.length > 1 && versions[1].from <= index) versions.shift();
    const v = versions[0];
    return { version: v.version, table: v.table, until: versions.length > 1 ? versions[1].from : Infinity };
  }

  /** Advances the writer's read index over the oldest ranges whose records have been read. */
  reclaim(): void {
    const unread = this.#unread;
    while (unread.length > 0) {
      const head = unread[0];
      if (!head.workerDone && Atomics.load(this.#taskDone, head.slot) === TASK_RUNNING) break;
      this.#writer.read = head.end;
      unread.shift();
    }
  }

  /**
   * fullRingPolicy 'block': waits on this thread, at most `timeoutMillis`, until the ring has
   * room. Progress happens in the workers alone: they copy dispatched ranges (freeing ring slots)
   * and finish tasks (freeing task slots, reused here before their results arrive, so that the
   * records still waiting in the ring can be dispatched). Each change wakes the wait.
   */
  blockForRoom(timeoutMillis: number): void {
    const writer = this.#writer;
    const capacity = this.#ring.capacity;
    const progress = this.#maxPending;
    const deadline = performance.now() + timeoutMillis;
    for (;;) {
      const seen = Atomics.load(this.#taskDone, progress);
      this.#releaseFinishedSlots();
      this.dispatch();
      this.reclaim();
      if (writer.write - writer.read < capacity) return;
      const left = deadline - performance.now();
      if (left <= 0) return;
      Atomics.wait(this.#taskDone, progress, seen, left);
    }
  }

  #releaseFinishedSlots(): void {
    for (const r of this.#unsettled) {
      if (r.workerDone || Atomics.load(this.#taskDone, r.slot) !== TASK_FINISHED) continue;
      r.workerDone = true;
      r.slotReleased = true;
      this.#freeSlots.push(r.slot);
    }
  }

  /** Resolves true once every record written before the call is counted, false on timeout. */
  async flush(timeoutMillis: number): Promise<boolean> {
    const target = this.#writer.write;
    const deadline = performance.now() + timeoutMillis;
    for (;;) {
      this.dispatch();
      let oldest: Range | undefined;
      for (const r of this.#unsettled) {
        if (r.start < target) {
          oldest = r;
          break;
        }
      }
      if (oldest === undefined && this.dispatched >= target) {
        await this.#custom?.forceFlush?.();
        return true;
      }
      const left = deadline - performance.now();
      if (left <= 0) return false;
      // Waits for the oldest batch to settle, or (none in flight yet) a short while for a slot,
      // never past the deadline, on a timer that cannot keep the process alive.
      let timer: NodeJS.Timeout | undefined;
      const deadlineReached = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, oldest === undefined ? Math.min(left, 10) : left).unref();
      });
      await (oldest === undefined ? deadlineReached : Promise.race([oldest.promise, deadlineReached]));
      clearTimeout(timer);
    }
  }

  /** After flush(): counts whatever is still unsettled as failed and stops the workers. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    live.delete(this.#self);
    const leftover = this.#writer.write - this.dispatched;
    if (leftover > 0) {
      this.#counters.fail('shutdownTimeout', leftover);
      this.dispatched = this.#writer.write;
    }
    for (const r of this.#unsettled) this.#fail(r, 'shutdownTimeout');
    this.#unsettled.clear();
    await this.#pool.destroy();
    await this.#custom?.shutdown();
  }

  async #complete(range: Range, result: DrainResult | Error): Promise<void> {
    range.workerDone = true;
    if (!range.slotReleased) this.#freeSlots.push(range.slot);
    if (range.settled) return;
    if (result instanceof Error) {
      diag.error(`ractogateway: drain task for records [${range.start}, ${range.end}) failed: ${result.message}`);
      this.#fail(range, 'workerCrash');
    } else {
      for (const [model, n] of Object.entries(result.unpriced)) this.#counters.addUnpriced(model, n);
      const outcomes = result.outcomes.slice();
      if (this.#custom !== undefined && result.spans !== undefined) {
        const spans = result.spans.map((d) => toReadableSpan(d, this.#resource));
        outcomes.push(await exportSpans(this.#custom, spans, this.#exportTimeout));
      }
      if (!range.settled) this.#count(range, outcomes);
    }
    this.#unsettled.delete(range);
    this.reclaim();
    this.dispatch();
  }

  #count(range: Range, outcomes: DestinationOutcome[]): void {
    range.settled = true;
    const n = range.end - range.start;
    let failure: FailureReason | undefined;
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i];
      const dest = this.#counters.destinations[this.#destinationName(i)];
      if (o.ok) {
        dest.exported += n;
      } else {
        dest.failed += n;
        failure ??= o.reason ?? 'exportError';
        diag.warn(`ractogateway: ${this.#destinationName(i)} failed ${n} spans: ${o.message ?? o.reason}`);
      }
    }
    if (failure === undefined) this.#counters.exported += n;
    else this.#counters.fail(failure, n);
  }

  #fail(range: Range, reason: FailureReason): void {
    if (range.settled) return;
    range.settled = true;
    const n = range.end - range.start;
    for (const name of this.#allNames()) this.#counters.destinations[name].failed += n;
    this.#counters.fail(reason, n);
  }

  #destinationName(i: number): string {
    return i < this.#workerNames.length ? this.#workerNames[i] : CUSTOM_DESTINATION;
  }

  #allNames(): string[] {
    return this.#custom === undefined ? this.#workerNames : [...this.#workerNames, CUSTOM_DESTINATION];
  }
}

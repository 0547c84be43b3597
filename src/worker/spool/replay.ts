// The spool's replay: sends a worker's spooled requests again, oldest first, one at a time and
// one right after another (no pacing: with the collector back, replay and live export together
// must deliver faster than traffic arrives), beside the live batches, and removes each segment
// once every record in it is settled. Worker only.
//
// It runs only while the worker holds segments. While a destination is known down
// (otlp/reachability.ts), replay's next attempt is the probe that finds it back: an empty
// request, one attempt, then a backoff with jitter (PROBE_FIRST_MILLIS doubling to
// PROBE_MAX_MILLIS, longer if the collector said Retry-After); its first success makes the
// destination up again and live batches go to it once more. A destination not known down gets the whole replay budget per
// request, and a request it still does not take waits 1 s doubling to 5 s (or its Retry-After),
// cut short when a live batch reaches that destination (answered()). At shutdown (C_CLOSING) it
// stops after the request in hand: the rest stays on disk for the next process.

import { readFileSync } from 'node:fs';
import { C_REPLAYING } from '../../shared/layout.js';
import type { DestinationOutcome } from '../../shared/worker-config.js';
import { FLAG_COUNTS, FLAG_FOREIGN, FLAG_SETTLED, parseSegment, RECORD_HEAD_BYTES } from './format.js';
import type { Segment, SpoolStore } from './store.js';

/** Shortest retry budget of one replayed request (exportTimeoutMillis when longer). */
export const REPLAY_BUDGET_MILLIS = 10_000;
const FIRST_BACKOFF_MILLIS = 1_000;
const MAX_BACKOFF_MILLIS = 5_000;
/** The probes of a destination known down: how soon a collector that is back is found. */
const PROBE_FIRST_MILLIS = 200;
const PROBE_MAX_MILLIS = 1_000;

/** What replay reads of a destination's reachability (otlp/reachability.ts). */
export interface Health {
  readonly down: boolean;
  /** What is left of the collector's last Retry-After. */
  readonly holdOffMillis: number;
}

/** An ExportTraceServiceRequest with nothing in it (protobuf: no field set, zero bytes). */
const EMPTY_REQUEST = new Uint8Array(0);

/** `ms` give or take a fifth: probes of many workers do not arrive in step. */
const jitter = (ms: number): number => ms * (0.8 + 0.4 * Math.random());

/**
 * Sends a request again; `giveUp` (asked before each retry) ends it early. `probe`: the destination
 * is known down: the attempt waits for an answer exportTimeoutMillis, not the replay budget.
 */
export type Resend = (body: Uint8Array, spans: number, giveUp: () => boolean, probe: boolean) => Promise<DestinationOutcome>;

export class Replayer {
  readonly #store: SpoolStore;
  readonly #resend: (dest: number) => Resend | undefined;
  readonly #closing: () => boolean;
  readonly #log: (message: string) => void;
  readonly #health: (dest: number) => Health | undefined;
  readonly #control: Int32Array;
  #running: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** Segments of destinations this process does not have: left on disk, said once. */
  readonly #unknown = new Set<string>();

  constructor(
    control: Int32Array,
    store: SpoolStore,
    resend: (dest: number) => Resend | undefined,
    closing: () => boolean,
    log: (message: string) => void,
    health: (dest: number) => Health | undefined = () => undefined,
  ) {
    this.#store = store;
    this.#control = control;
    this.#health = health;
    this.#resend = resend;
    this.#closing = closing;
    this.#log = log;
  }

  /**
   * Starts replaying if there is something to replay and it is not running. `settle`: a batch
   * just failed to go out: replay waits PROBE_FIRST_MILLIS first, so that the batches failing
   * beside it have said whether the destination is down (then it probes with one attempt rather
   * than waiting out the replay budget on a collector that hangs).
   */
  kick(settle = false): void {
    if (this.#running !== undefined || this.#closing() || !this.#hasWork()) return;
    let failed = false;
    this.#running = (settle ? this.#sleep(PROBE_FIRST_MILLIS) : Promise.resolve()).then(() => this.#run())
      .catch((err: unknown) => {
        // What was settled is counted; the record in hand stays on disk for the next try.
        failed = true;
        this.#log(`ractogateway: spool replay stopped (${String(err)}); trying again in ${MAX_BACKOFF_MILLIS / 1000} s`);
      })
      .finally(() => {
        this.#running = undefined;
        if (failed) setTimeout(() => this.kick(), MAX_BACKOFF_MILLIS).unref();
        else this.kick();
      });
  }

  /** A live batch reached a destination: a replay waiting out its backoff tries now. */
  answered(): void {
    this.#wake?.();
  }

  /** Resolves once the request in hand (if any) has ended. */
  async stop(): Promise<void> {
    this.#wake?.();
    await this.#running;
  }

  #hasWork(): boolean {
    return this.#store.queue.some((s) => !this.#unknown.has(s.path));
  }

  async #run(): Promise<void> {
    const store = this.#store;
    let backoff = FIRST_BACKOFF_MILLIS;
    let delivered = 0;
    for (;;) {
      if (this.#closing()) return;
      const seg = store.queue.find((s) => !this.#unknown.has(s.path));
      if (seg === undefined) break;
      const resend = seg.dest >= 0 ? this.#resend(seg.dest) : undefined;
      if (resend === undefined) {
        this.#unknown.add(seg.path);
        this.#log(`ractogateway: spool segment ${seg.path} is for destination ${seg.destination}, which this tracer does not have (or cannot resend to); left in place`);
        continue;
      }
      store.close(seg); // replay reads a closed file; new batches go to a new segment
      const r = await this.#segment(seg, resend, backoff);
      if (r === 'closing') return;
      delivered += r;
      backoff = FIRST_BACKOFF_MILLIS;
      if (seg.next >= seg.records.length && store.queue.includes(seg)) store.remove(seg);
    }
    if (delivered > 0) this.#log(`ractogateway: spool replayed ${delivered} spans; it is empty again`);
  }

  /** Replays what is left of `seg`; the spans delivered, or 'closing' when shutdown began. */
  async #segment(seg: Segment, resend: Resend, firstBackoff: number): Promise<number | 'closing'> {
    const store = this.#store;
    let data: Buffer;
    try {
      data = readFileSync(seg.path);
    } catch (err) {
      // Deleted under the tracer (its directory with it), or unreadable: its records cannot be
      // sent, and each counts failed (spoolCorrupt) below.
      this.#log(`ractogateway: spool segment ${seg.path} is gone or unreadable (${String(err)}); its ${seg.records.length - seg.next} records count failed (spoolCorrupt)`);
      data = Buffer.alloc(0);
    }
    // The records as the file has them now; a record the file lost or damaged is corrupt.
    const onDisk = parseSegment(data)?.records ?? [];
    let backoff = firstBackoff;
    let probeBackoff = PROBE_FIRST_MILLIS / 2;
    let delivered = 0;
    while (seg.next < seg.records.length) {
      if (this.#closing()) return 'closing';
      const known = seg.records[seg.next];
      const r = onDisk[seg.next];
      if ((known.flags & FLAG_SETTLED) !== 0 || (r !== undefined && (r.flags & FLAG_SETTLED) !== 0)) {
        seg.next++; // settled (and counted) by whoever held the segment before
        continue;
      }
      if (r === undefined || r.damaged || r.spans !== known.spans || r.at !== known.at) {
        seg.next++;
        store.markSettled(seg, known);
        store.corrupt(seg, known);
        continue;
      }
      const payload = data.subarray(r.at + RECORD_HEAD_BYTES, r.at + RECORD_HEAD_BYTES + r.length);
      const health = this.#health(seg.dest);
      if (health?.down === true) {
        // Known down: an empty request, one attempt, waiting exportTimeoutMillis for its answer.
        // Nothing in it can arrive twice, however late the collector answers; its success makes
        // the destination up again (reachability.ts), and the record goes next, with the budget.
        const p = await resend(EMPTY_REQUEST, 0, () => true, true);
        if (!p.ok) {
          if (this.#closing()) return 'closing';
          probeBackoff = Math.min(2 * probeBackoff, PROBE_MAX_MILLIS);
          await this.#sleep(Math.max(jitter(probeBackoff), health.holdOffMillis));
          continue;
        }
        probeBackoff = PROBE_FIRST_MILLIS / 2;
      }
      // In hand: shutdown waits for it (main/scheduler.ts), so that what the collector took is
      // counted. Ended early if its segment is dropped to make room meanwhile (counted spoolFull).
      Atomics.add(this.#control, C_REPLAYING, 1);
      let o: DestinationOutcome;
      try {
        o = await resend(payload, r.spans, () => !store.queue.includes(seg), false);
      } catch (err) {
        this.#replayEnded();
        throw err;
      }
      // Dropped meanwhile to make room (store.ts): its records are counted spoolFull already.
      if (!store.queue.includes(seg)) {
        this.#replayEnded();
        return delivered;
      }
      const undelivered = o.ok ? 0 : (o.undelivered ?? r.spans);
      if (!o.ok && o.unsent !== undefined && undelivered >= r.spans) {
        this.#replayEnded();
        // Still not taken: the record stays; try again later (sooner if a live batch gets through).
        if (this.#closing()) return 'closing';
        await this.#sleep(Math.max(jitter(backoff), this.#health(seg.dest)?.holdOffMillis ?? 0));
        backoff = Math.min(2 * backoff, MAX_BACKOFF_MILLIS);
        if (!store.queue.includes(seg)) return delivered;
        continue;
      }
      backoff = FIRST_BACKOFF_MILLIS;
      const rejected = o.rejected ?? 0;
      const tooLarge = o.tooLarge ?? 0;
      // Part delivered, part not (a split request): the part not taken is kept again. The record
      // is settled first, as if all of that part were kept, then what could not be kept fails:
      // keeping may drop this very segment to make room, and its record must not count twice.
      const unsent = o.ok ? [] : (o.unsent ?? []);
      const toKeep = unsent.reduce((sum, u) => sum + u.spans, 0);
      const got = r.spans - rejected - tooLarge - undelivered;
      seg.next++;
      // Durable first (one synchronous stretch with the counting and the keeping below).
      store.markSettled(seg, r);
      store.settle(seg, known, { delivered: got, rejected, tooLarge, failed: undelivered - toKeep, reason: o.reason ?? 'exportError', kept: toKeep });
      if (toKeep > 0) {
        const k = store.keep(seg.dest, unsent, (r.flags & FLAG_COUNTS) !== 0, !seg.mine || (r.flags & FLAG_FOREIGN) !== 0);
        const lost = toKeep - k.kept;
        if (lost > 0) store.settle(seg, { ...known, spans: lost }, { delivered: 0, rejected: 0, tooLarge: 0, failed: lost, reason: k.full ? 'spoolFull' : (o.reason ?? 'exportError'), kept: 0 });
      }
      delivered += got;
      this.#replayEnded();
    }
    return delivered;
  }

  /** The request in hand is counted (or stays on disk). */
  #replayEnded(): void {
    Atomics.sub(this.#control, C_REPLAYING, 1);
    Atomics.notify(this.#control, C_REPLAYING);
  }

  /** Waits `ms`, cut short when a live batch gets through (answered()) or at stop(). */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }
}

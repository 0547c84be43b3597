// Exact accounting of every record call. Main thread only. This thread counts what it decides
// (recorded, dropped, workerCrash, shutdownTimeout); the drain loops count export outcomes in
// the shared counter block (layout.ts), read here with Atomics.load. Every counter only grows
// and a span is counted once, so the sum below holds at every moment:
//   recorded == exported + dropped + failed + pending

import {
  FAILURE_REASONS, N_CONTENT_FAILED, N_DEST, N_EXPORTED, N_FAILED, N_REPLAY_FAILED, N_REPLAYED, N_SAMPLED, N_SPOOL_BYTES, N_SPOOL_CORRUPT, N_SPOOLED, N_WIRE_PROBLEMS, WIRE_PROBLEMS,
  type CounterLayout,
} from '../shared/layout.js';
import {
  HEALTH_CONTENT_ARENA_FULL,
  HEALTH_NOT_SAMPLED,
  HEALTH_RECORDED,
  HEALTH_RING_FULL,
  HEALTH_SHUTDOWN,
  HEALTH_SHUTDOWN_TIMEOUT,
  HEALTH_STRINGS_FOLDED,
  HEALTH_WORKER_CRASH,
  HEALTH_WRITTEN,
} from '../shared/metrics-config.js';
import { REDACTION_RULES, type RedactionRule } from '../shared/content-config.js';
import type { StringTableReader } from '../shared/strings.js';

export interface DroppedByReason {
  /** The ring was full when the call came (fullRingPolicy 'drop'). */
  ringFull: number;
  /** The call came after shutdown() began. */
  shutdown: number;
  /** Its parent span (active or explicit) was not sampled, so its trace is not recorded. */
  notSampled: number;
  /** Left out by tail sampling (the `sampling` option) in the worker; its call still counts in the metrics. */
  sampled: number;
}

export interface FailedByReason {
  /** An exporter reported failure (including one that threw). */
  exportError: number;
  /** An exporter did not answer within exportTimeoutMillis. */
  exportTimeout: number;
  /** The worker holding the batch died or its task was rejected. */
  workerCrash: number;
  /** shutdown() gave up on the batch after shutdownTimeoutMillis. */
  shutdownTimeout: number;
  /** The collector accepted the request but refused these spans (OTLP partial_success). */
  rejected: number;
  /** A span alone was over the collector's request size limit (HTTP 413, gRPC RESOURCE_EXHAUSTED). */
  tooLarge: number;
  /** The spool reached spoolMaxBytes: its oldest segment was dropped (or no room was left). */
  spoolFull: number;
  /** A spooled record failed its checksum (a damaged or truncated segment). */
  spoolCorrupt: number;
}

export type FailureReason = keyof FailedByReason;

/** Spans exported without the content they carried (captureContent): they count as exported. */
export interface ContentDropped {
  /** The content arena had no room for it when the call was recorded (contentArenaBytes). */
  arenaFull: number;
  /** The redaction's scrub module threw on it, returned something else than a string, or failed to load. */
  scrubFailed: number;
}

export interface DestinationStats {
  exported: number;
  failed: number;
}

/** The disk spool (options.spoolDir); all zero without one. */
export interface SpoolStats {
  /** Bytes its segments take on disk now. */
  bytes: number;
  /** Spans recorded by an earlier process found in the spool and not delivered (cap, checksum, refused). */
  replayFailed: number;
  /** Records skipped because a checksum failed or a segment was cut short (any process's). */
  corruptRecords: number;
}

export interface TracerStats {
  recorded: number;
  exported: number;
  dropped: number;
  failed: number;
  pending: number;
  /** Spans of this process waiting on disk in the spool: part of `pending` until delivered or failed. */
  spooled: number;
  /** Spans recorded by an earlier process and delivered from the spool: outside this process's books. */
  replayed: number;
  spool: SpoolStats;
  droppedByReason: DroppedByReason;
  failedByReason: FailedByReason;
  /** Per destination: spans it acknowledged and spans it failed. */
  destinations: Record<string, DestinationStats>;
  /** Record calls whose provider, model or error type folded into '__overflow__'. */
  stringsFolded: number;
  /** Spans that lost their captured content on the way (captureContent). */
  contentDropped: ContentDropped;
  /**
   * Matches each built-in redaction rule that is on replaced in captured content, by rule
   * (ractogateway_content_redactions_total{rule}); empty when content is not captured.
   */
  redactions: Partial<Record<RedactionRule, number>>;
  /**
   * Wake-ups of the tracer's threads since it started: the clock ticker's loop iterations and
   * the drain loops' returns from parking. Both stay still while nothing is recorded.
   */
  wakeups: { clock: number; drain: number };
  /**
   * Exported calls whose model has no price (their llm.cost_usd is 0), by model; at most
   * MAX_UNPRICED_MODELS models, the rest under '__other__'.
   */
  unpricedCalls: Record<string, number>;
  /** The wire capture (instrumentFetch): what it recorded, and what it could not fully read. */
  wire: WireStats;
}

/** stats().wire: exchanges recorded by instrumentFetch. */
export interface WireStats {
  /** Exchanges recorded (each HTTP attempt with a recognised LLM API). */
  recorded: number;
  /** Recorded without their bytes (or with part of them): the content arena was full. */
  arenaFull: number;
  /** Exchanges whose bytes could not all be read, by kind: recorded with what could be (no tokens when the body was unreadable). */
  problems: Record<WireProblemKind, number>;
}

export type WireProblemKind = (typeof WIRE_PROBLEMS)[number];

export const MAX_UNPRICED_MODELS = 256;
export const OTHER_MODELS = '__other__';

/** The shared counter block as the main thread reads it. */
export interface SharedCounters {
  counters: BigInt64Array;
  layout: CounterLayout;
  /** Model names by string id, for the unpriced counts. */
  /** Strings by id: the main table's and the learned ones (shared/learned-strings.ts). */
  strings: { get(id: number): string };
  /** Interned strings so far (ids below it may carry unpriced counts). */
  stringCount: () => number;
  /** Clock and drain-loop wake-ups (debug counters in the control block). */
  wakeups: () => { clock: number; drain: number };
}

export class Counters {
  recorded = 0;
  /** Spans exported, counted on this thread (in-memory-only tracers). */
  exported = 0;
  readonly dropped: DroppedByReason = { ringFull: 0, shutdown: 0, notSampled: 0, sampled: 0 };
  /** Failures decided on this thread: workerCrash, shutdownTimeout. */
  readonly failed: FailedByReason = { exportError: 0, exportTimeout: 0, workerCrash: 0, shutdownTimeout: 0, rejected: 0, tooLarge: 0, spoolFull: 0, spoolCorrupt: 0 };
  /** Per destination, what this thread counted (in-memory, crashes, shutdown). */
  readonly destinations: Record<string, DestinationStats> = {};
  readonly unpriced = new Map<string, number>();
  /** Calls recorded without their content because the content arena was full. */
  contentArenaFull = 0;
  /** Spans whose content the scrub module failed on, counted on this thread (in-memory capture). */
  contentScrubFailed = 0;
  /** The built-in redaction rules that are on (stats() reports those). */
  redactionRules: readonly RedactionRule[] = [];
  /** Per rule (REDACTION_RULES order), replacements counted on this thread (in-memory capture). */
  readonly redactions = new Float64Array(REDACTION_RULES.length);
  /** Wire exchanges recorded, and those the arena had no room for (instrumentFetch). */
  wireRecorded = 0;
  wireArenaFull = 0;
  /** Wire problems counted on this thread (in-memory capture without workers), by WIRE_PROBLEMS index. */
  readonly wireProblems = new Float64Array(WIRE_PROBLEMS.length);
  /** The drain loops' counters; absent without workers. Destinations [0, n) are theirs, in order. */
  shared: SharedCounters | undefined;
  readonly #sharedNames: string[] = [];

  constructor(destinationNames: readonly string[]) {
    for (const name of destinationNames) this.destinations[name] = { exported: 0, failed: 0 };
  }

  /** Attaches the workers' counter block; `names` are its destinations, in counter order. */
  attach(shared: SharedCounters, names: readonly string[]): void {
    this.shared = shared;
    this.#sharedNames.push(...names);
  }

  fail(reason: FailureReason, n: number): void {
    this.failed[reason] += n;
  }

  /** Counts `n` spans failed for `reason` in every destination the workers serve. */
  failEverywhere(reason: FailureReason, n: number): void {
    this.failed[reason] += n;
    for (const name of this.#sharedNames) this.destinations[name].failed += n;
  }

  /**
   * Copies what only this thread counts into the health block the metrics host reads (plain
   * stores, a few nanoseconds; done at each publish, so at most scheduledDelayMillis old).
   */
  mirror(health: Float64Array, written: number, stringsFolded: number): void {
    health[HEALTH_RECORDED] = this.recorded;
    health[HEALTH_RING_FULL] = this.dropped.ringFull;
    health[HEALTH_SHUTDOWN] = this.dropped.shutdown;
    health[HEALTH_NOT_SAMPLED] = this.dropped.notSampled;
    health[HEALTH_WORKER_CRASH] = this.failed.workerCrash;
    health[HEALTH_SHUTDOWN_TIMEOUT] = this.failed.shutdownTimeout;
    health[HEALTH_STRINGS_FOLDED] = stringsFolded;
    health[HEALTH_WRITTEN] = written;
    health[HEALTH_CONTENT_ARENA_FULL] = this.contentArenaFull;
  }

  addUnpriced(model: string, n: number): void {
    const key = this.unpriced.has(model) || this.unpriced.size < MAX_UNPRICED_MODELS ? model : OTHER_MODELS;
    this.unpriced.set(key, (this.unpriced.get(key) ?? 0) + n);
  }

  snapshot(stringsFolded: number): TracerStats {
    const shared = this.shared;
    const failed = { ...this.failed };
    let exported = this.exported;
    const destinations: Record<string, DestinationStats> = {};
    for (const [name, d] of Object.entries(this.destinations)) destinations[name] = { ...d };
    let unpricedCalls: Record<string, number> = Object.fromEntries(this.unpriced);
    let wakeups = { clock: 0, drain: 0 };
    let spooled = 0;
    let replayed = 0;
    const spool: SpoolStats = { bytes: 0, replayFailed: 0, corruptRecords: 0 };
    const droppedByReason = { ...this.dropped };
    const contentDropped: ContentDropped = { arenaFull: this.contentArenaFull, scrubFailed: this.contentScrubFailed };
    const redactions: Partial<Record<RedactionRule, number>> = {};
    for (const rule of this.redactionRules) {
      const i = REDACTION_RULES.indexOf(rule);
      redactions[rule] = this.redactions[i]! + (shared === undefined ? 0 : Number(Atomics.load(shared.counters, shared.layout.redactionsAt + i)));
    }
    const problems = Object.fromEntries(WIRE_PROBLEMS.map((kind, i) => [kind, this.wireProblems[i]])) as Record<WireProblemKind, number>;
    if (shared !== undefined) {
      const k = shared.counters;
      this.#sharedNames.forEach((name, i) => {
        destinations[name].exported += Number(Atomics.load(k, N_DEST + 2 * i));
        destinations[name].failed += Number(Atomics.load(k, N_DEST + 2 * i + 1));
      });
      replayed = Number(Atomics.load(k, N_REPLAYED));
      spool.replayFailed = Number(Atomics.load(k, N_REPLAY_FAILED));
      spool.corruptRecords = Number(Atomics.load(k, N_SPOOL_CORRUPT));
      spool.bytes = Number(Atomics.load(k, N_SPOOL_BYTES));
      exported += Number(Atomics.load(k, N_EXPORTED));
      FAILURE_REASONS.forEach((reason, r) => (failed[reason] += Number(Atomics.load(k, N_FAILED + r))));
      droppedByReason.sampled += Number(Atomics.load(k, N_SAMPLED));
      contentDropped.scrubFailed += Number(Atomics.load(k, N_CONTENT_FAILED));
      WIRE_PROBLEMS.forEach((kind, i) => (problems[kind] += Number(Atomics.load(k, N_WIRE_PROBLEMS + i))));
      // After the outcomes: a span leaving the spool is added to its outcome before it is taken
      // off N_SPOOLED, so a span this snapshot counts spooled is never also counted exported or
      // failed here (spooled <= pending in every snapshot).
      spooled = Number(Atomics.load(k, N_SPOOLED));
      unpricedCalls = this.#sharedUnpriced(shared);
      wakeups = shared.wakeups();
    }
    const dropped = droppedByReason.ringFull + droppedByReason.shutdown + droppedByReason.notSampled + droppedByReason.sampled;
    let failedTotal = 0;
    for (const reason of FAILURE_REASONS) failedTotal += failed[reason];
    return {
      recorded: this.recorded,
      exported,
      dropped,
      failed: failedTotal,
      pending: this.recorded - exported - dropped - failedTotal,
      spooled,
      replayed,
      spool,
      droppedByReason,
      failedByReason: failed,
      destinations,
      stringsFolded,
      contentDropped,
      redactions,
      unpricedCalls,
      wakeups,
      wire: { recorded: this.wireRecorded, arenaFull: this.wireArenaFull, problems },
    };
  }

  /** Unpriced calls by model from the workers' per-id counters; the first models seen keep their names. */
  #sharedUnpriced(shared: SharedCounters): Record<string, number> {
    const out: Record<string, number> = {};
    let named = 0;
    const count = shared.stringCount();
    const words = shared.counters.length - shared.layout.unpricedAt;
    for (let id = 0; id < words; id++) {
      // Past the main table's strings, the learned ones (ids from maxStrings up).
      if (id >= count && id < words >>> 1) continue;
      const n = Number(Atomics.load(shared.counters, shared.layout.unpricedAt + id));
      if (n === 0) continue;
      const key = named < MAX_UNPRICED_MODELS ? shared.strings.get(id) : OTHER_MODELS;
      if (key !== OTHER_MODELS) named++;
      out[key] = (out[key] ?? 0) + n;
    }
    return out;
  }
}

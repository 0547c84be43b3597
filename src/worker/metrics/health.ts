// The tracer's own health as stats() reports it, read by the metrics host from shared memory
// alone: the workers' outcome counters (layout.ts) and the main thread's mirrored counts
// (metrics-config.ts HEALTH_*). Worker thread only; costs the main thread nothing.

import { FAILURE_REASONS, N_CONTENT_FAILED, N_EXPORTED, N_FAILED, N_REPLAYED, N_SAMPLED, N_SPOOLED } from '../../shared/layout.js';
import { REDACTION_RULES, type RedactionRule } from '../../shared/content-config.js';
import { copiedBelow } from '../../shared/ring.js';
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
  type MetricsHealth,
} from '../../shared/metrics-config.js';

export interface HealthSources {
  health: Float64Array;
  counters: BigInt64Array;
  control: Int32Array;
  slots: number;
  ringCapacity: number;
  /** First word of the redaction counters (layout.ts), and the rules that are on. */
  redactionsAt: number;
  redactionRules: readonly RedactionRule[];
}

export function readHealth(s: HealthSources): MetricsHealth {
  const h = s.health;
  const k = s.counters;
  const failedByReason: Record<string, number> = {};
  FAILURE_REASONS.forEach((reason, r) => (failedByReason[reason] = Number(Atomics.load(k, N_FAILED + r))));
  failedByReason.workerCrash += h[HEALTH_WORKER_CRASH];
  failedByReason.shutdownTimeout += h[HEALTH_SHUTDOWN_TIMEOUT];
  const droppedByReason = {
    ringFull: h[HEALTH_RING_FULL],
    shutdown: h[HEALTH_SHUTDOWN],
    notSampled: h[HEALTH_NOT_SAMPLED],
    sampled: Number(Atomics.load(k, N_SAMPLED)),
  };
  const exported = Number(Atomics.load(k, N_EXPORTED));
  const recorded = h[HEALTH_RECORDED];
  const dropped = droppedByReason.ringFull + droppedByReason.shutdown + droppedByReason.notSampled + droppedByReason.sampled;
  const failed = Object.values(failedByReason).reduce((a, b) => a + b, 0);
  // Records not yet copied out: written, less those below the claim index or a copy in progress.
  const written = h[HEALTH_WRITTEN];
  const ringUsed = Math.max(0, ((written | 0) - copiedBelow(s.control, s.slots)) | 0);
  return {
    recorded,
    exported,
    // At most scheduledDelayMillis behind: the mirror is updated when records are published.
    pending: Math.max(0, recorded - exported - dropped - failed),
    droppedByReason,
    failedByReason,
    stringsFolded: h[HEALTH_STRINGS_FOLDED],
    contentDropped: { arenaFull: h[HEALTH_CONTENT_ARENA_FULL], scrubFailed: Number(Atomics.load(k, N_CONTENT_FAILED)) },
    spooled: Number(Atomics.load(k, N_SPOOLED)),
    replayed: Number(Atomics.load(k, N_REPLAYED)),
    ringUsed,
    ringCapacity: s.ringCapacity,
    redactions: Object.fromEntries(s.redactionRules.map((rule) => [rule, Number(Atomics.load(k, s.redactionsAt + REDACTION_RULES.indexOf(rule)))])),
  };
}

// Exact accounting of every record call. Main thread only: workers report outcomes as data in
// task results, and only this thread adds them up, so the sum below holds at every moment:
//   recorded == exported + dropped + failed + pending

export interface DroppedByReason {
  /** The ring was full when the call came (fullRingPolicy 'drop'). */
  ringFull: number;
  /** The call came after shutdown() began. */
  shutdown: number;
  /** Its parent span (active or explicit) was not sampled, so its trace is not recorded. */
  notSampled: number;
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
}

export type FailureReason = keyof FailedByReason;

export interface DestinationStats {
  exported: number;
  failed: number;
}

export interface TracerStats {
  recorded: number;
  exported: number;
  dropped: number;
  failed: number;
  pending: number;
  droppedByReason: DroppedByReason;
  failedByReason: FailedByReason;
  /** Per destination: spans it acknowledged and spans it failed. */
  destinations: Record<string, DestinationStats>;
  /** Record calls whose provider, model or error type folded into '__overflow__'. */
  stringsFolded: number;
  /**
   * Exported calls whose model has no price (their llm.cost_usd is 0), by model; at most
   * MAX_UNPRICED_MODELS models, the rest under '__other__'.
   */
  unpricedCalls: Record<string, number>;
}

export const MAX_UNPRICED_MODELS = 256;
export const OTHER_MODELS = '__other__';

export class Counters {
  recorded = 0;
  exported = 0;
  readonly dropped: DroppedByReason = { ringFull: 0, shutdown: 0, notSampled: 0 };
  readonly failed: FailedByReason = { exportError: 0, exportTimeout: 0, workerCrash: 0, shutdownTimeout: 0 };
  readonly destinations: Record<string, DestinationStats> = {};
  readonly unpriced = new Map<string, number>();

  constructor(destinationNames: readonly string[]) {
    for (const name of destinationNames) this.destinations[name] = { exported: 0, failed: 0 };
  }

  fail(reason: FailureReason, n: number): void {
    this.failed[reason] += n;
  }

  addUnpriced(model: string, n: number): void {
    const key = this.unpriced.has(model) || this.unpriced.size < MAX_UNPRICED_MODELS ? model : OTHER_MODELS;
    this.unpriced.set(key, (this.unpriced.get(key) ?? 0) + n);
  }

  snapshot(stringsFolded: number): TracerStats {
    const dropped = this.dropped.ringFull + this.dropped.shutdown + this.dropped.notSampled;
    const f = this.failed;
    const failed = f.exportError + f.exportTimeout + f.workerCrash + f.shutdownTimeout;
    const destinations: Record<string, DestinationStats> = {};
    for (const [name, d] of Object.entries(this.destinations)) destinations[name] = { ...d };
    return {
      recorded: this.recorded,
      exported: this.exported,
      dropped,
      failed,
      pending: this.recorded - this.exported - dropped - failed,
      droppedByReason: { ...this.dropped },
      failedByReason: { ...f },
      destinations,
      stringsFolded,
      unpricedCalls: Object.fromEntries(this.unpriced),
    };
  }
}

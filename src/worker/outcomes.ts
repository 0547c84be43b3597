// How a settled batch is counted in the shared counters (layout.ts), from one outcome per counted
// destination. Worker only; called by the drain loop in the synchronous stretch that takes the
// batch off its slot's S_IN_FLIGHT.
//
// Per destination, exactly: exported what it acknowledged, failed what it refused (rejected,
// tooLarge) or could not take; spans kept in the spool are neither until replayed.
// At the top level (exported / failed by reason / spooled) a batch is counted once, by the
// outcome of its first destination that did not take it all, or, when all took it, of the one
// that refused most spans (partial success).

import { FAILURE_REASONS, N_DEST, N_EXPORTED, N_FAILED, N_SPOOLED } from '../shared/layout.js';
import type { DestinationOutcome } from '../shared/worker-config.js';

/** Counter indices of the two refusals every batch may carry (FAILURE_REASONS order). */
export const N_FAILED_REJECTED = N_FAILED + FAILURE_REASONS.indexOf('rejected');
export const N_FAILED_TOO_LARGE = N_FAILED + FAILURE_REASONS.indexOf('tooLarge');

/** What the counting needs of the spool (spool/spool.ts), when there is one. */
export interface Keeper {
  keep(dest: number, parts: NonNullable<DestinationOutcome['unsent']>, counts: boolean): { kept: number; full: boolean };
  answered(dest: number): void;
}

/** Which destinations can keep their requests in the spool (they can resend them). */
export type Spoolable = (dest: number) => boolean;

/**
 * Counts a batch of `n` spans. `failed(i, spans, outcome)` is called first for each destination
 * that failed spans (its log line goes out before the batch counts as settled).
 */
export function countBatch(
  k: BigInt64Array,
  n: number,
  outcomes: DestinationOutcome[],
  spool: { keeper: Keeper; spoolable: Spoolable } | undefined,
  failed: (i: number, spans: number, o: DestinationOutcome) => void,
): void {
  let top = -1;
  let mostLost = 0;
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i];
    if (!o.ok) {
      top = i;
      break;
    }
    const lost = (o.rejected ?? 0) + (o.tooLarge ?? 0);
    if (lost > mostLost) {
      mostLost = lost;
      top = i;
    }
  }
  // Spool first (written), then the log lines, then the counters: one synchronous stretch.
  const kept = new Array<number>(outcomes.length).fill(0);
  const full = new Array<boolean>(outcomes.length).fill(false);
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i];
    if (o.ok) {
      spool?.keeper.answered(i);
      continue;
    }
    if (spool === undefined || o.unsent === undefined || o.unsent.length === 0 || !spool.spoolable(i)) continue;
    const r = spool.keeper.keep(i, o.unsent, i === top);
    kept[i] = r.kept;
    full[i] = r.full;
  }
  const undelivered = outcomes.map((o) => (o.ok ? 0 : (o.undelivered ?? n - (o.rejected ?? 0) - (o.tooLarge ?? 0))));
  // Every log line goes out before the first counter moves.
  const lost = outcomes.map((o, i) => (o.rejected ?? 0) + (o.tooLarge ?? 0) + undelivered[i] - kept[i]);
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i];
    if (lost[i] > 0) failed(i, lost[i], full[i] ? { ...o, message: `the spool is full (${o.message ?? o.reason})` } : o);
  }
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i];
    Atomics.add(k, N_DEST + 2 * i, BigInt(n - (o.rejected ?? 0) - (o.tooLarge ?? 0) - undelivered[i]));
    Atomics.add(k, N_DEST + 2 * i + 1, BigInt(lost[i]));
  }
  if (top < 0) {
    Atomics.add(k, N_EXPORTED, BigInt(n));
    return;
  }
  const o = outcomes[top];
  const rejected = o.rejected ?? 0;
  const tooLarge = o.tooLarge ?? 0;
  const down = undelivered[top] - kept[top];
  Atomics.add(k, N_EXPORTED, BigInt(n - rejected - tooLarge - undelivered[top]));
  if (rejected > 0) Atomics.add(k, N_FAILED_REJECTED, BigInt(rejected));
  if (tooLarge > 0) Atomics.add(k, N_FAILED_TOO_LARGE, BigInt(tooLarge));
  if (kept[top] > 0) Atomics.add(k, N_SPOOLED, BigInt(kept[top]));
  if (down > 0) Atomics.add(k, N_FAILED + FAILURE_REASONS.indexOf(full[top] ? 'spoolFull' : (o.reason ?? 'exportError')), BigInt(down));
}

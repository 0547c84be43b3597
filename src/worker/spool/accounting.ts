// The books of the spool: how the spans of a record that leaves it (delivered by a replay, refused,
// failed, or partly kept again) move from `spooled` into their outcome in the shared counters
// (layout.ts), exactly once. Worker only; called in the synchronous stretch that settles a record.

import { FAILURE_REASONS, N_DEST, N_EXPORTED, N_FAILED, N_REPLAY_FAILED, N_REPLAYED, N_SPOOLED } from '../../shared/layout.js';
import { N_FAILED_REJECTED, N_FAILED_TOO_LARGE } from '../outcomes.js';
import { FLAG_COUNTS, FLAG_FOREIGN, type RecordInfo } from './format.js';
import type { Segment } from './segment.js';

/** How the spans of a record that leaves the spool are counted. */
export interface Settled {
  delivered: number;
  rejected: number;
  tooLarge: number;
  /** Spans that failed for `reason`. */
  failed: number;
  reason: (typeof FAILURE_REASONS)[number];
  /** Spans of the record kept again (a part the collector did not take). */
  kept: number;
}

/** Counts in `k` (the shared counters) the spans of record `r` of `seg` as they leave the spool. */
export function countSettled(k: BigInt64Array, seg: Segment, r: RecordInfo, s: Settled): void {
  const lost = s.rejected + s.tooLarge + s.failed;
  if (!seg.mine || (r.flags & FLAG_FOREIGN) !== 0) {
    // Recorded by an earlier process: counted apart, never in this process's identity.
    Atomics.add(k, N_REPLAYED, BigInt(s.delivered));
    Atomics.add(k, N_REPLAY_FAILED, BigInt(lost));
    return;
  }
  if (seg.dest >= 0) {
    Atomics.add(k, N_DEST + 2 * seg.dest, BigInt(s.delivered));
    Atomics.add(k, N_DEST + 2 * seg.dest + 1, BigInt(lost));
  }
  if ((r.flags & FLAG_COUNTS) === 0) return;
  Atomics.add(k, N_EXPORTED, BigInt(s.delivered));
  Atomics.add(k, N_FAILED_REJECTED, BigInt(s.rejected));
  Atomics.add(k, N_FAILED_TOO_LARGE, BigInt(s.tooLarge));
  Atomics.add(k, N_FAILED + FAILURE_REASONS.indexOf(s.reason), BigInt(s.failed));
  // Last: the spans leave `spooled` as they enter their outcome (stats() may read in between,
  // and a reader sees them at most once more in pending, never twice counted).
  Atomics.sub(k, N_SPOOLED, BigInt(r.spans - s.kept));
}

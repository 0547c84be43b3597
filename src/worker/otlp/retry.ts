// The retry budget of one OTLP export (the OTLP specification's rules), shared by the HTTP and
// gRPC senders (transport.ts). Worker only.
//
// An attempt ends done (an answer that settles the request), too large (413, or gRPC
// RESOURCE_EXHAUSTED naming the message size: split.ts sends it in halves), or retryable,
// with a kind that decides the reason once the budget is spent:
//   'timeout'  the collector took the request and did not answer in time  -> exportTimeout
//   'connect'  no connection, or it was reset before an answer            -> exportError
//   'status'   a retryable answer (HTTP 429/502/503/504, gRPC UNAVAILABLE…) -> exportError
// so that a collector that is down reads as an error with its cause, not as a slow collector.

import type { DestinationOutcome } from '../../shared/worker-config.js';

const FIRST_BACKOFF_MILLIS = 100;
const MAX_BACKOFF_MILLIS = 5_000;

export type RetryKind = 'timeout' | 'connect' | 'status';

/** The end of one attempt: an answer, a request too large for the collector, or a retry. */
export type Attempt =
  | { outcome: DestinationOutcome }
  | { tooLarge: string }
  | { retry: string; kind: RetryKind; retryAfterMs?: number; unreachable?: boolean };

/**
 * Whether a retryable attempt says nothing is there to answer (reachability.ts): no connection,
 * no answer in time, or a proxy's 502/503/504 (gRPC UNAVAILABLE) rather than 429 "slow down".
 */
export function unreachable(a: Attempt): boolean {
  return 'retry' in a && (a.kind !== 'status' || a.unreachable === true);
}

/** What a finished send hands to the splitter: an answer, or "too large". */
export type Sent = { outcome: DestinationOutcome } | { tooLarge: string };

/**
 * Runs `attempt` until it is done or the budget is spent. `giveUp()` is asked before each retry
 * (before and after its backoff): true ends the send at once as if its budget were spent
 * (shutdown with a spool, which keeps the request on disk instead of waiting for the collector;
 * a replayed request whose segment was dropped meanwhile).
 */
export async function withRetries(timeoutMillis: number, attempt: (leftMs: number) => Promise<Attempt>, giveUp: () => boolean): Promise<Sent> {
  const deadline = performance.now() + timeoutMillis;
  let backoff = FIRST_BACKOFF_MILLIS;
  let last = 'no attempt';
  let kind: RetryKind = 'timeout';
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) break;
    const a = await attempt(left);
    if (!('retry' in a)) return a;
    last = a.retry;
    kind = a.kind;
    if (giveUp()) break;
    const jittered = backoff * (0.8 + 0.4 * Math.random());
    const wait = Math.min(a.retryAfterMs ?? jittered, MAX_BACKOFF_MILLIS);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    if (performance.now() + wait >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, wait));
    if (giveUp()) break;
  }
  const reason = kind === 'timeout' ? 'exportTimeout' : 'exportError';
  // A split request's piece has what was left of the export's budget (split.ts).
  const budget = Math.max(0, Math.round(timeoutMillis));
  const message = kind === 'timeout'
    ? `export did not succeed within ${budget} ms (last: ${last})`
    : `export failed for ${budget} ms: ${last}`;
  // Retryable to the end: worth keeping for later (the spool).
  return { outcome: { ok: false, reason, message, unsent: [] } };
}

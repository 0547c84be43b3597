// Delivers one encoded request, cutting it in halves while the collector finds it too large
// (HTTP 413, gRPC RESOURCE_EXHAUSTED about the message size), down to single spans: a span too
// large alone counts failed (tooLarge), the rest go on. The pieces share the export's one budget:
// each is sent with the time left (a piece reached with none left fails exportTimeout, kept by the
// spool when there is one). Worker only.

import type { DestinationOutcome } from '../../shared/worker-config.js';
import type { Sent } from './retry.js';
import { splitRequest } from './wire.js';

/**
 * Sends `body` (holding `spans` spans) through `sendOnce` within `timeoutMillis` in all, splitting
 * it as the collector needs; `sendOnce` gets the milliseconds left.
 */
export function deliver(sendOnce: (body: Uint8Array, leftMs: number) => Promise<Sent>, body: Uint8Array, spans: number, timeoutMillis: number): Promise<DestinationOutcome> {
  return deliverBy(sendOnce, body, spans, performance.now() + timeoutMillis);
}

async function deliverBy(sendOnce: (body: Uint8Array, leftMs: number) => Promise<Sent>, body: Uint8Array, spans: number, deadline: number): Promise<DestinationOutcome> {
  const sent = await sendOnce(body, deadline - performance.now());
  if ('outcome' in sent) {
    const o = { ...sent.outcome };
    if (o.ok) {
      if (o.rejected !== undefined) o.rejected = Math.min(o.rejected, spans);
      return o;
    }
    o.undelivered = spans;
    // A retryable failure (retry.ts marks it): the request itself is worth keeping.
    if (o.unsent !== undefined) o.unsent = [{ body, spans }];
    return o;
  }
  const halves = spans > 1 ? splitRequest(body) : undefined;
  if (halves === undefined) return { ok: true, tooLarge: spans, message: sent.tooLarge };
  const [a, na, b, nb] = halves;
  return merge(await deliverBy(sendOnce, a, na, deadline), await deliverBy(sendOnce, b, nb, deadline));
}

function merge(a: DestinationOutcome, b: DestinationOutcome): DestinationOutcome {
  const out: DestinationOutcome = {
    ok: a.ok && b.ok,
    rejected: (a.rejected ?? 0) + (b.rejected ?? 0),
    tooLarge: (a.tooLarge ?? 0) + (b.tooLarge ?? 0),
  };
  const note = a.note ?? b.note;
  if (note !== undefined) out.note = note;
  const failed = a.ok ? b : a;
  if (!out.ok) {
    out.reason = failed.reason;
    out.message = failed.message;
    out.undelivered = (a.undelivered ?? 0) + (b.undelivered ?? 0);
    out.unsent = [...(a.unsent ?? []), ...(b.unsent ?? [])];
  } else {
    const message = a.message ?? b.message;
    if (message !== undefined) out.message = message;
  }
  return out;
}

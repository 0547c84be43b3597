// Delivers one encoded request, cutting it in halves while the collector finds it too large
// (HTTP 413, gRPC RESOURCE_EXHAUSTED about the message size), down to single spans: a span too
// large alone counts failed (tooLarge), the rest go on. Worker only.

import type { DestinationOutcome } from '../shared/worker-config.js';
import type { Sent } from './otlp-retry.js';
import { splitRequest } from './otlp-wire.js';

/** Sends `body` (holding `spans` spans) through `sendOnce`, splitting it as the collector needs. */
export async function deliver(sendOnce: (body: Uint8Array) => Promise<Sent>, body: Uint8Array, spans: number): Promise<DestinationOutcome> {
  const sent = await sendOnce(body);
  if ('outcome' in sent) {
    const o = { ...sent.outcome };
    if (o.ok) {
      if (o.rejected !== undefined) o.rejected = Math.min(o.rejected, spans);
      return o;
    }
    o.undelivered = spans;
    // A retryable failure (otlp-retry.ts marks it): the request itself is worth keeping.
    if (o.unsent !== undefined) o.unsent = [{ body, spans }];
    return o;
  }
  const halves = spans > 1 ? splitRequest(body) : undefined;
  if (halves === undefined) return { ok: true, tooLarge: spans, message: sent.tooLarge };
  const [a, na, b, nb] = halves;
  return merge(await deliver(sendOnce, a, na), await deliver(sendOnce, b, nb));
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

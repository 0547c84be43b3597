// Issue 32's signals as a span carries them: the money caches saved (llm.cost_saved_usd), the
// provider's rate-limit headroom (llm.ratelimit.*), a 429's retry-after (llm.retry_after_ms) and a
// stream's time between chunks (llm.stream.*). Pure; both threads, like spans/record.ts. The OTLP
// encoder writes the same attributes (worker/otlp/signals.ts), in the same order.

import type { Attributes } from '@opentelemetry/api';
import type { RecordFields } from '../shared/codec.js';
import { SG_HAVE_CHUNKS, SG_HAVE_LIMITS, SG_HAVE_LIMITS_SHIFT, SG_HAVE_RETRY, SG_HAVE_SAVED } from '../shared/layout.js';
import { LIMIT_KINDS, RATE_LIMIT_FIELDS, type RateLimits } from '../shared/ratelimit.js';
import type { SpanSignals } from '../shared/span-data.js';
import type { CallPrice } from '../pricing/rates.js';
import { gatewaySavings, promptCacheSavings } from '../pricing/savings.js';

/** The rate-limit attribute of kind k, value j (0 remaining, 1 limit, 2 reset in seconds). */
export const LIMIT_KEYS: readonly (readonly [string, string, string])[] = LIMIT_KINDS.map(
  (k) => [`llm.ratelimit.${k}.remaining`, `llm.ratelimit.${k}.limit`, `llm.ratelimit.${k}.reset_seconds`] as const,
);

/** The USD a record's caches saved (unrounded): gateway-cache savings plus prompt-cache savings. */
export function savedOfRecord(price: CallPrice | undefined, r: RecordFields, epochMs: number): number {
  return gatewaySavings(price, r.savedInputTokens, r.savedOutputTokens, epochMs) +
    promptCacheSavings(price, r.inputTokens, r.outputTokens, r.cachedInputTokens, r.cacheWriteTokens, r.reasoningTokens, epochMs);
}

/** Whether llm.cost_saved_usd is written: the call gave saved usage, or saved a positive amount. */
export function savesSomething(signals: number, saved: number): boolean {
  return (signals & SG_HAVE_SAVED) !== 0 || saved > 0;
}

/** The SpanSignals of a decoded record, or null when it carried none. */
export function signalsOf(r: RecordFields): SpanSignals | null {
  const have = r.signals;
  if (have === 0) return null;
  let rateLimits: RateLimits | null = null;
  if ((have & SG_HAVE_LIMITS) !== 0) {
    rateLimits = {};
    for (let k = 0; k < LIMIT_KINDS.length; k++) {
      const bit = SG_HAVE_LIMITS_SHIFT + 3 * k;
      const [remaining, limit, reset] = RATE_LIMIT_FIELDS[k];
      if ((have & (1 << bit)) !== 0) rateLimits[remaining] = r.limitRemaining[k];
      if ((have & (1 << (bit + 1))) !== 0) rateLimits[limit] = r.limitValue[k];
      if ((have & (1 << (bit + 2))) !== 0) rateLimits[reset] = r.limitResetSeconds[k];
    }
  }
  return {
    savedInputTokens: r.savedInputTokens,
    savedOutputTokens: r.savedOutputTokens,
    rateLimits,
    retryAfterMs: (have & SG_HAVE_RETRY) !== 0 ? r.retryAfterMs : null,
    chunkTiming: (have & SG_HAVE_CHUNKS) !== 0 ? { chunks: r.chunks, afterFirstMs: r.chunksAfterFirstMs, maxGapMs: r.maxChunkGapMs } : null,
  };
}

/** Mean milliseconds between two chunks, or null for a single chunk. */
export function meanChunkGapMs(t: { chunks: number; afterFirstMs: number }): number | null {
  return t.chunks > 1 ? t.afterFirstMs / (t.chunks - 1) : null;
}

/** Adds the signals' attributes to `a` (after the call's content, in spanAttributes' order). */
export function signalAttributes(costSavedUsd: number | null, s: SpanSignals | null, a: Attributes): void {
  if (costSavedUsd !== null) a['llm.cost_saved_usd'] = costSavedUsd;
  if (s === null) return;
  if (s.savedInputTokens > 0) a['llm.saved_input_tokens'] = s.savedInputTokens;
  if (s.savedOutputTokens > 0) a['llm.saved_output_tokens'] = s.savedOutputTokens;
  const rl = s.rateLimits;
  if (rl !== null) {
    for (let k = 0; k < LIMIT_KINDS.length; k++) {
      for (let j = 0; j < 3; j++) {
        const v = rl[RATE_LIMIT_FIELDS[k][j]];
        if (v !== undefined) a[LIMIT_KEYS[k][j]] = v;
      }
    }
  }
  if (s.retryAfterMs !== null) a['llm.retry_after_ms'] = s.retryAfterMs;
  const t = s.chunkTiming;
  if (t !== null) {
    a['llm.stream.chunks'] = t.chunks;
    const mean = meanChunkGapMs(t);
    if (mean !== null) {
      a['llm.stream.time_per_chunk_ms'] = mean;
      a['llm.stream.max_chunk_gap_ms'] = t.maxGapMs;
    }
  }
}

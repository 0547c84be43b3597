// The signals of issue 32 on the request path: a gateway-cache hit's saved usage, the provider's
// rate-limit headroom, a 429's retry-after and a stream's time between chunks. Main thread. Most
// calls carry none: the writer reaches check() only behind a test of the call's own fields, and
// write() fills the slot's signals row (layout.ts) only then, under FLAG_SIGNALS. Validation runs
// before the ring is touched, like the other fields: a bad value throws, naming the field, and
// writes nothing.

import { invalidRange, invalidType } from '../errors.js';
import {
  SG_CHUNKS, SG_F_CHUNKS_AFTER_FIRST, SG_F_MAX_GAP, SG_F_RETRY_AFTER, SG_HAVE, SG_HAVE_CHUNKS, SG_HAVE_LIMITS_SHIFT, SG_HAVE_RETRY, SG_HAVE_SAVED,
  SG_LIMIT, SG_REMAINING, SG_RESET, SG_SAVED_INPUT, SG_SAVED_OUTPUT, SIGNALS_F64, SIGNALS_U32,
} from '../shared/layout.js';
import { LIMIT_KINDS, MAX_RESET_SECONDS, MAX_RETRY_AFTER_MS, RATE_LIMIT_FIELDS } from '../shared/ratelimit.js';
import { badCount, badMillis, isCount, isMillis } from './validate.js';
import { OP_STREAM } from '../shared/layout.js';

interface SignalFields {
  savedInputTokens?: unknown;
  savedOutputTokens?: unknown;
  rateLimits?: unknown;
  retryAfterMs?: unknown;
  chunkTiming?: unknown;
}

/** The signals of the call being recorded, checked, waiting for their slot. */
export class SignalsScratch {
  have = 0;
  savedInput = 0;
  savedOutput = 0;
  chunks = 0;
  afterFirst = 0;
  maxGap = 0;
  retryAfter = 0;
  readonly remaining = new Uint32Array(LIMIT_KINDS.length);
  readonly limit = new Uint32Array(LIMIT_KINDS.length);
  readonly reset = new Float64Array(LIMIT_KINDS.length);

  /**
   * Validates the call's signals into this scratch (throws on a bad one, naming it); `op`: its
   * operation bits, `hit`: whether it is a gateway-cache hit (saved usage belongs to hits only).
   */
  check(call: SignalFields, op: number, hit: boolean): void {
    let have = 0;
    const si = call.savedInputTokens;
    const so = call.savedOutputTokens;
    if (si !== undefined || so !== undefined) {
      if (si !== undefined && !isCount(si)) badCount(si, 'call.savedInputTokens');
      if (so !== undefined && !isCount(so)) badCount(so, 'call.savedOutputTokens');
      if (!hit) throw invalidRange(si !== undefined ? 'call.savedInputTokens' : 'call.savedOutputTokens', "given only when call.cacheHit is 'exact' or 'semantic'", si ?? so);
      this.savedInput = (si as number | undefined) ?? 0;
      this.savedOutput = (so as number | undefined) ?? 0;
      have |= SG_HAVE_SAVED;
    }
    const retry = call.retryAfterMs;
    if (retry != null) {
      if (!isMillis(retry)) badMillis(retry, 'call.retryAfterMs', 'a number of milliseconds');
      if (retry > MAX_RETRY_AFTER_MS) throw invalidRange('call.retryAfterMs', `at most ${MAX_RETRY_AFTER_MS} (a day)`, retry);
      this.retryAfter = retry;
      have |= SG_HAVE_RETRY;
    }
    if (call.chunkTiming != null) have |= this.checkChunks(call.chunkTiming, op);
    if (call.rateLimits != null) have |= this.checkLimits(call.rateLimits);
    this.have = have;
  }

  private checkChunks(value: unknown, op: number): number {
    if (typeof value !== 'object' || Array.isArray(value)) throw invalidType('call.chunkTiming', 'an object { chunks, afterFirstMs, maxGapMs }', value);
    if (op !== OP_STREAM) throw invalidRange('call.chunkTiming', "given only when call.operation is 'stream'", value);
    const t = value as { chunks?: unknown; afterFirstMs?: unknown; maxGapMs?: unknown };
    if (!isCount(t.chunks) || t.chunks === 0) {
      if (typeof t.chunks !== 'number') throw invalidType('call.chunkTiming.chunks', 'an integer', t.chunks);
      throw invalidRange('call.chunkTiming.chunks', 'an integer between 1 and 4294967295', t.chunks);
    }
    if (!isMillis(t.afterFirstMs)) badMillis(t.afterFirstMs, 'call.chunkTiming.afterFirstMs', 'a number of milliseconds');
    const gap = t.maxGapMs === undefined ? 0 : t.maxGapMs;
    if (!isMillis(gap)) badMillis(gap, 'call.chunkTiming.maxGapMs', 'a number of milliseconds');
    if (gap > t.afterFirstMs) throw invalidRange('call.chunkTiming.maxGapMs', `at most call.chunkTiming.afterFirstMs (${t.afterFirstMs})`, gap);
    if (t.chunks === 1 && t.afterFirstMs !== 0) throw invalidRange('call.chunkTiming.afterFirstMs', '0 for a single chunk', t.afterFirstMs);
    this.chunks = t.chunks;
    this.afterFirst = t.afterFirstMs;
    this.maxGap = gap;
    return SG_HAVE_CHUNKS;
  }

  private checkLimits(value: unknown): number {
    if (typeof value !== 'object' || Array.isArray(value)) throw invalidType('call.rateLimits', 'an object of rate-limit values', value);
    // Named loads, not a loop over the field names: keyed loads by a variable name cost ~20 ns each.
    const r = value as Record<string, unknown>;
    const have = this.kind(0, r.requestsRemaining, r.requestsLimit, r.requestsResetSeconds) |
      this.kind(1, r.tokensRemaining, r.tokensLimit, r.tokensResetSeconds) |
      this.kind(2, r.inputTokensRemaining, r.inputTokensLimit, r.inputTokensResetSeconds) |
      this.kind(3, r.outputTokensRemaining, r.outputTokensLimit, r.outputTokensResetSeconds);
    // A key we do not know (a typo) is refused, like an unknown attribute key.
    let keys = 0;
    for (const key in r) if (r[key] !== undefined) keys++;
    if (keys !== bitCount(have)) unknownLimitKey(r);
    return have;
  }

  /** The values of limit kind k (LIMIT_KINDS) into the scratch; their SG_HAVE bits. */
  private kind(k: number, remaining: unknown, limit: unknown, reset: unknown): number {
    let have = 0;
    const bit = SG_HAVE_LIMITS_SHIFT + 3 * k;
    if (remaining !== undefined) {
      if (!isCount(remaining)) badCount(remaining, `call.rateLimits.${RATE_LIMIT_FIELDS[k][0]}`);
      this.remaining[k] = remaining;
      have |= 1 << bit;
    }
    if (limit !== undefined) {
      if (!isCount(limit)) badCount(limit, `call.rateLimits.${RATE_LIMIT_FIELDS[k][1]}`);
      this.limit[k] = limit;
      have |= 1 << (bit + 1);
    }
    if (reset !== undefined) {
      if (!isMillis(reset)) badMillis(reset, `call.rateLimits.${RATE_LIMIT_FIELDS[k][2]}`, 'a number of seconds');
      if (reset > MAX_RESET_SECONDS) throw invalidRange(`call.rateLimits.${RATE_LIMIT_FIELDS[k][2]}`, `at most ${MAX_RESET_SECONDS} seconds`, reset);
      this.reset[k] = reset;
      have |= 1 << (bit + 2);
    }
    return have;
  }

  /** Writes the checked signals into the signals row of the record at u32 offset `ub`. */
  write(sig: Uint32Array, sigF64: Float64Array, sigF32: Float32Array, ub: number): void {
    const have = this.have;
    sig[ub + SG_HAVE] = have;
    if ((have & SG_HAVE_SAVED) !== 0) {
      sig[ub + SG_SAVED_INPUT] = this.savedInput;
      sig[ub + SG_SAVED_OUTPUT] = this.savedOutput;
    }
    const fb = (ub / SIGNALS_U32) * SIGNALS_F64;
    if ((have & SG_HAVE_CHUNKS) !== 0) {
      sig[ub + SG_CHUNKS] = this.chunks;
      sigF64[fb + SG_F_CHUNKS_AFTER_FIRST] = this.afterFirst;
      sigF64[fb + SG_F_MAX_GAP] = this.maxGap;
    }
    if ((have & SG_HAVE_RETRY) !== 0) sigF64[fb + SG_F_RETRY_AFTER] = this.retryAfter;
    if ((have >>> SG_HAVE_LIMITS_SHIFT) !== 0) {
      for (let k = 0; k < LIMIT_KINDS.length; k++) {
        sig[ub + SG_REMAINING + k] = this.remaining[k];
        sig[ub + SG_LIMIT + k] = this.limit[k];
        sigF32[ub + SG_RESET + k] = this.reset[k];
      }
    }
  }
}

const LIMIT_KEYS = new Set<string>(RATE_LIMIT_FIELDS.flat());

function bitCount(n: number): number {
  let c = 0;
  for (let x = n; x !== 0; x &= x - 1) c++;
  return c;
}

/** Cold: the first key of `r` that is no RateLimits field. */
function unknownLimitKey(r: Record<string, unknown>): never {
  const key = Object.keys(r).find((k) => r[k] !== undefined && !LIMIT_KEYS.has(k)) ?? '';
  throw invalidRange('call.rateLimits key', `one of ${[...LIMIT_KEYS].join(', ')}`, key);
}

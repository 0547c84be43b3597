// The OTLP encoder's half of issue 32's span attributes: llm.cost_saved_usd, llm.saved_*_tokens,
// llm.ratelimit.*, llm.retry_after_ms and llm.stream.*, written from a record's words (its signals
// row, its usage) in the order of spans/signals.ts signalAttributes(). Worker only; called by
// extras.ts for the spans that have a signals row or cache-read input tokens.

import { decodeRecord, emptyFields, priceModelWord, type RecordFields } from '../../shared/codec.js';
import { F_CACHED_INPUT, FLAG_SIGNALS, FLAG_USAGE, RECORD_F64, U_PROVIDER } from '../../shared/layout.js';
import type { RingViews } from '../../shared/ring.js';
import { priceOfCall, round, type RecordContext } from '../../spans/record.js';
import { LIMIT_KEYS, savedOfRecord, savesSomething, signalsOf, meanChunkGapMs } from '../../spans/signals.js';
import { LIMIT_KINDS, RATE_LIMIT_FIELDS } from '../../shared/ratelimit.js';
import { numberAttr } from './fields.js';
import { keyBytes, type ProtoWriter } from './proto-writer.js';

const K_SAVED = keyBytes('llm.cost_saved_usd');
const K_SAVED_INPUT = keyBytes('llm.saved_input_tokens');
const K_SAVED_OUTPUT = keyBytes('llm.saved_output_tokens');
const K_LIMITS = LIMIT_KEYS.map((ks) => ks.map(keyBytes));
const K_RETRY = keyBytes('llm.retry_after_ms');
const K_CHUNKS = keyBytes('llm.stream.chunks');
const K_PER_CHUNK = keyBytes('llm.stream.time_per_chunk_ms');
const K_MAX_GAP = keyBytes('llm.stream.max_chunk_gap_ms');

/** Whether record `i` of `records` (flags `flags`) has signal attributes to write. */
export function hasSignalWords(records: RingViews, i: number, flags: number): boolean {
  return (flags & FLAG_SIGNALS) !== 0 || ((flags & FLAG_USAGE) !== 0 && records.f64[i * RECORD_F64 + F_CACHED_INPUT] > 0);
}

// One scratch per thread: a span's signals are decoded, written, and forgotten.
const scratch: RecordFields = emptyFields();

/** Writes the signal attributes of record `i` (u32 offset `ub`) of `records`. */
export function writeSignals(w: ProtoWriter, records: RingViews, i: number, ub: number, ctx: RecordContext): void {
  const r = decodeRecord(records, i, scratch);
  const price = priceOfCall(ctx, records.u32[ub + U_PROVIDER], priceModelWord(records.u32, records.ext, ub)).price;
  const saved = round(savedOfRecord(price, r, ctx.timeOrigin + r.endMs), 8);
  w.ensure(512);
  if (savesSomething(r.signals, saved)) numberAttr(w, K_SAVED, saved);
  const s = signalsOf(r);
  if (s === null) return;
  if (s.savedInputTokens > 0) numberAttr(w, K_SAVED_INPUT, s.savedInputTokens);
  if (s.savedOutputTokens > 0) numberAttr(w, K_SAVED_OUTPUT, s.savedOutputTokens);
  const rl = s.rateLimits;
  if (rl !== null) {
    for (let k = 0; k < LIMIT_KINDS.length; k++) {
      for (let j = 0; j < 3; j++) {
        const v = rl[RATE_LIMIT_FIELDS[k][j]];
        if (v !== undefined) numberAttr(w, K_LIMITS[k][j], v);
      }
    }
  }
  if (s.retryAfterMs !== null) numberAttr(w, K_RETRY, s.retryAfterMs);
  const t = s.chunkTiming;
  if (t !== null) {
    numberAttr(w, K_CHUNKS, t.chunks);
    const mean = meanChunkGapMs(t);
    if (mean !== null) {
      numberAttr(w, K_PER_CHUNK, mean);
      numberAttr(w, K_MAX_GAP, t.maxGapMs);
    }
  }
}

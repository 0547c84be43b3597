// Metrics aggregation in the drain loop: every record a worker claims adds to one series, the
// cumulative numbers of one label set. Worker thread only.
//
// A series is keyed by everything any metric labels a call with (provider, model, operation,
// status, error type, cache hit, the metricAttributes values, as string ids); each metric family
// (families.ts) is a projection of the series that sums away the labels it does not carry. Its
// values are one Float64Array (V_* layout below): counts, sums, and the histograms' per-bucket
// counts (not cumulative; the renderers accumulate).
//
// Bounded: past `maxSeries` label sets, new ones fold into the overflow series of their
// operation, status and cache hit, whose string labels read `__other__` (KEY_OTHER), and the
// folded records are counted (`overflowed`).

import {
  F_END,
  CACHE_MASK,
  CACHE_SHIFT,
  F_CACHED_INPUT,
  F_CACHE_WRITE,
  F_INPUT,
  F_LATENCY,
  F_OUTPUT,
  F_REASONING,
  F_TTFT,
  FLAG_ATTRS,
  FLAG_ERROR,
  FLAG_SIGNALS,
  FLAG_USAGE,
  OP_EMBED,
  OP_MASK,
  RECORD_F64,
  RECORD_U32,
  U_ATTRS,
  U_ERROR,
  U_FLAGS,
  U_MODEL,
  U_PROVIDER,
  U_TOOLS,
} from '../../shared/layout.js';
import type { MetricsPartData } from '../../shared/metrics-config.js';
import type { RingViews } from '../../shared/ring.js';
import { costOfCall } from '../../pricing/rates.js';
import { promptCacheSavings } from '../../pricing/savings.js';
import { priceOfCall, type RecordContext } from '../../spans/record.js';
import { priceModelWord } from '../../shared/codec.js';
import { LIMIT_KINDS } from '../../shared/ratelimit.js';
import { addSignals } from './signal-series.js';
import { mergeExemplars, type PickedExemplars, type SeriesExemplars } from './exemplars.js';

// ---- bucket boundaries ----
/** ractogateway_request_duration_seconds, the original's buckets (seconds). */
export const GATEWAY_DURATION_BOUNDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
/** gen_ai.client.operation.duration and .time_to_first_chunk (semconv v1.41), seconds. */
export const GENAI_SECONDS_BOUNDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** gen_ai.client.operation.time_per_output_chunk (semconv v1.41), seconds. */
export const CHUNK_SECONDS_BOUNDS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5];
/** gen_ai.client.token.usage (semconv v1.41), tokens. */
export const GENAI_TOKEN_BOUNDS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

// ---- key words ----
export const KEY_PROVIDER = 0;
export const KEY_MODEL = 1;
export const KEY_OP = 2;
/** 1 for a failed call. */
export const KEY_ERROR = 3;
export const KEY_ERROR_TYPE = 4;
export const KEY_CACHE = 5;
/** metricAttributes values follow, in their order. */
export const KEY_LABELS = 6;
/** A string label of the overflow series. */
export const KEY_OTHER = -1;

// ---- value words ----
export const V_COUNT = 0;
/** Sum of latencies, seconds. */
export const V_DURATION_SUM = 1;
export const V_GATEWAY_DURATION = 2; // GATEWAY_DURATION_BOUNDS.length + 1 buckets
export const V_GENAI_DURATION = V_GATEWAY_DURATION + GATEWAY_DURATION_BOUNDS.length + 1;
export const V_INPUT = V_GENAI_DURATION + GENAI_SECONDS_BOUNDS.length + 1;
export const V_OUTPUT = V_INPUT + 1;
export const V_CACHE_READ = V_INPUT + 2;
export const V_CACHE_WRITE = V_INPUT + 3;
export const V_REASONING = V_INPUT + 4;
/** Cost in units of 1e-8 USD, each call's rounded as its span's llm.cost_usd is: the sum is exact. */
export const V_COST = V_INPUT + 5;
export const V_TOOLS = V_INPUT + 6;
export const V_INPUT_TOKENS = V_INPUT + 7; // GENAI_TOKEN_BOUNDS.length + 1 buckets
export const V_OUTPUT_TOKENS = V_INPUT_TOKENS + GENAI_TOKEN_BOUNDS.length + 1;
export const V_TTFT_COUNT = V_OUTPUT_TOKENS + GENAI_TOKEN_BOUNDS.length + 1;
/** Seconds. */
export const V_TTFT_SUM = V_TTFT_COUNT + 1;
export const V_TTFT = V_TTFT_SUM + 1; // GENAI_SECONDS_BOUNDS.length + 1 buckets
/** Issue 32: USD saved by the gateway cache and by the prompt cache, in units of 1e-8 USD as V_COST. */
export const V_SAVED_GATEWAY = V_TTFT + GENAI_SECONDS_BOUNDS.length + 1;
export const V_SAVED_PROMPT = V_SAVED_GATEWAY + 1;
/** gen_ai.client.operation.time_per_output_chunk: gaps between chunks, their sum (seconds), buckets. */
export const V_CHUNK_COUNT = V_SAVED_PROMPT + 1;
export const V_CHUNK_SUM = V_CHUNK_COUNT + 1;
export const V_CHUNK = V_CHUNK_SUM + 1; // CHUNK_SECONDS_BOUNDS.length + 1 buckets
/**
 * The rate-limit gauges: for kind k (LIMIT_KINDS), the last remaining and limit seen, each with
 * the epoch ms of the call that reported it (0: never). Merged by the latest, never summed
 * (mergeValues()).
 */
export const V_LIMITS = V_CHUNK + CHUNK_SECONDS_BOUNDS.length + 1;
export const LIMIT_WORDS = 4;
export const V_LIMIT_REMAINING = 0;
export const V_LIMIT_REMAINING_AT = 1;
export const V_LIMIT_VALUE = 2;
export const V_LIMIT_VALUE_AT = 3;
export const VALUE_WORDS = V_LIMITS + LIMIT_KINDS.length * LIMIT_WORDS;

/**
 * Adds `from` into `into`: counts and sums add up, the rate-limit gauges keep the later value.
 * Every merge of series (the host's workers, the families' projections) goes through here.
 */
export function mergeValues(into: Float64Array, from: ArrayLike<number>): void {
  for (let i = 0; i < V_LIMITS; i++) into[i] += from[i];
  for (let at = V_LIMITS; at < VALUE_WORDS; at += 2) {
    if (from[at + 1] > into[at + 1]) {
      into[at] = from[at];
      into[at + 1] = from[at + 1];
    }
  }
}

export const COST_SCALE = 1e8;

/** Index of the bucket holding `v`: the first bound `v` does not exceed, or the +Inf bucket. */
export function bucket(bounds: readonly number[], v: number): number {
  let i = 0;
  while (i < bounds.length && v > bounds[i]) i++;
  return i;
}

/** Bits needed to write the integer `n` (>= 0, below 2^32). */
function bitLength(n: number): number {
  return 32 - Math.clz32(n);
}

/** bucket() for `v` near index `i`: the bounds themselves settle values next to a boundary. */
function settle(bounds: readonly number[], i: number, v: number): number {
  if (i > bounds.length) i = bounds.length;
  while (i > 0 && v <= bounds[i - 1]) i--;
  while (i < bounds.length && v > bounds[i]) i++;
  return i;
}

/** bucket() of GENAI_SECONDS_BOUNDS (0.01 s * 2^i) for `ms` milliseconds: the first i with ms <= 10 * 2^i. */
export function secondsBucket(ms: number): number {
  const x = Math.ceil(ms / 10);
  return settle(GENAI_SECONDS_BOUNDS, x <= 1 ? 0 : x >= 2 ** 31 ? GENAI_SECONDS_BOUNDS.length : bitLength(x - 1), ms / 1000);
}

/** bucket() of GENAI_TOKEN_BOUNDS (4^i) for an integer count below 2^32: the first i with n <= 4^i. */
export function tokensBucket(n: number): number {
  return settle(GENAI_TOKEN_BOUNDS, n <= 1 ? 0 : (bitLength(n - 1) + 1) >>> 1, n);
}

export class SeriesTable {
  readonly #labels: readonly number[];
  readonly #maxSeries: number;
  /**
   * Series by key, in two numeric levels: provider, model, operation, status and cache hit, then
   * error type and the first metric label (ids are below 2^20). A second metric label or more
   * makes the key a string.
   */
  readonly #byNumber = new Map<number, Map<number, Float64Array>>();
  readonly #byString = new Map<string, Float64Array>();
  readonly keys: number[][] = [];
  readonly values: Float64Array[] = [];
  overflowed = 0;

  /** `labels`: positions in attributeKeys of the metricAttributes. */
  constructor(labels: readonly number[], maxSeries: number) {
    this.#labels = labels;
    this.#maxSeries = maxSeries;
  }

  /** Adds records [0, n) of a drained copy, priced under `ctx`. */
  addRecords(records: RingViews, n: number, ctx: RecordContext): void {
    const f = records.f64;
    const u = records.u32;
    const timeOrigin = ctx.timeOrigin;
    for (let i = 0; i < n; i++) {
      const fb = i * RECORD_F64;
      const ub = i * RECORD_U32;
      const flags = u[ub + U_FLAGS];
      const v = this.#series(u, ub, flags);
      const usage = (flags & FLAG_USAGE) !== 0;
      const input = f[fb + F_INPUT];
      const output = f[fb + F_OUTPUT];
      const cached = usage ? f[fb + F_CACHED_INPUT] : 0;
      const cacheWrite = usage ? f[fb + F_CACHE_WRITE] : 0;
      const seconds = f[fb + F_LATENCY] / 1000;
      v[V_COUNT] += 1;
      v[V_DURATION_SUM] += seconds;
      v[V_GATEWAY_DURATION + bucket(GATEWAY_DURATION_BOUNDS, seconds)] += 1;
      v[V_GENAI_DURATION + secondsBucket(f[fb + F_LATENCY])] += 1;
      v[V_INPUT] += input;
      v[V_OUTPUT] += output;
      v[V_INPUT_TOKENS + tokensBucket(input)] += 1;
      if ((flags & OP_MASK) !== OP_EMBED) v[V_OUTPUT_TOKENS + tokensBucket(output)] += 1;
      v[V_TOOLS] += u[ub + U_TOOLS];
      // The price as the span's (priceOfCall caches it per provider and model; costOfCall picks
      // the rates in force at the call's end and its input size's tier), of the model that
      // answered when the record says: the series' model label stays the one asked for.
      const price = priceOfCall(ctx, u[ub + U_PROVIDER], priceModelWord(u, records.ext, ub)).price;
      if (price !== undefined) {
        const reasoning = usage ? f[fb + F_REASONING] : 0;
        v[V_COST] += Math.round(costOfCall(price, input, output, cached, cacheWrite, reasoning, timeOrigin + f[fb + F_END]) * COST_SCALE);
        if (cached > 0) v[V_SAVED_PROMPT] += Math.round(promptCacheSavings(price, input, output, cached, cacheWrite, reasoning, timeOrigin + f[fb + F_END]) * COST_SCALE);
      }
      // Issue 32's signals row: gateway-cache savings, chunk timing, rate limits (signal-series.ts).
      if ((flags & FLAG_SIGNALS) !== 0) addSignals(v, records, i, price, timeOrigin + f[fb + F_END]);
      if (usage) {
        v[V_CACHE_READ] += cached;
        v[V_CACHE_WRITE] += cacheWrite;
        v[V_REASONING] += f[fb + F_REASONING];
        const ttft = f[fb + F_TTFT];
        if (ttft >= 0) {
          v[V_TTFT_COUNT] += 1;
          v[V_TTFT_SUM] += ttft / 1000;
          v[V_TTFT + secondsBucket(ttft)] += 1;
        }
      }
    }
  }

  /** The latest exemplars of each series (exemplars.ts), once some of its spans were exported. */
  readonly #exemplars = new Map<Float64Array, SeriesExemplars>();

  /** The series values of the record at u32 offset `ub` (flags `flags`) of a drained copy. */
  seriesOf(u: Uint32Array, ub: number, flags: number): Float64Array {
    return this.#series(u, ub, flags);
  }

  /** Keeps the exemplars of a batch that was exported (drain.ts), the later per place. */
  commitExemplars(picked: PickedExemplars): void {
    for (let i = 0; i < picked.series.length; i++) {
      const s = picked.series[i];
      this.#exemplars.set(s, mergeExemplars(this.#exemplars.get(s), picked.exemplars[i]) as SeriesExemplars);
    }
  }

  /** The series of the record at u32 offset `ub`, made (or folded) on first sight. */
  #series(u: Uint32Array, ub: number, flags: number): Float64Array {
    const provider = u[ub + U_PROVIDER];
    const model = u[ub + U_MODEL];
    const error = (flags & FLAG_ERROR) !== 0 ? 1 : 0;
    const errorType = u[ub + U_ERROR];
    const op = flags & OP_MASK;
    const cache = (flags & CACHE_MASK) >>> CACHE_SHIFT;
    const labels = this.#labels;
    const attrs = (flags & FLAG_ATTRS) !== 0;
    if (labels.length <= 1) {
      // String ids are below 2^20 (maxStrings): each level's key fits in 2^53.
      const outer = ((model * 1_048_576 + provider) * 8 + op * 2 + error) * 4 + cache;
      const label = attrs && labels.length === 1 ? u[ub + U_ATTRS + labels[0]] : 0;
      const inner = errorType * 1_048_576 + label;
      let level = this.#byNumber.get(outer);
      const v = level?.get(inner);
      if (v !== undefined) return v;
      const ids = [provider, model, op, error, errorType, cache];
      if (labels.length === 1) ids.push(label);
      if (this.values.length >= this.#maxSeries) return this.#overflow(ids);
      if (level === undefined) {
        level = new Map();
        this.#byNumber.set(outer, level);
      }
      return this.#add(level, inner, ids);
    }
    const ids = [provider, model, op, error, errorType, cache];
    for (let k = 0; k < labels.length; k++) ids.push(attrs ? u[ub + U_ATTRS + labels[k]] : 0);
    const key = ids.join(',');
    const v = this.#byString.get(key);
    if (v !== undefined) return v;
    return this.#add(this.#byString, key, ids);
  }

  #add<K>(map: Map<K, Float64Array>, key: K, ids: number[]): Float64Array {
    if (this.values.length >= this.#maxSeries) return this.#overflow(ids);
    const v = new Float64Array(VALUE_WORDS);
    map.set(key, v);
    this.keys.push(ids);
    this.values.push(v);
    return v;
  }

  /** The overflow series of the call's operation, status and cache hit (one each, past the limit). */
  #overflow(ids: number[]): Float64Array {
    this.overflowed++;
    const key = `other,${ids[KEY_OP]},${ids[KEY_ERROR]},${ids[KEY_CACHE]}`;
    let v = this.#byString.get(key);
    if (v === undefined) {
      v = new Float64Array(VALUE_WORDS);
      this.#byString.set(key, v);
      const other = [KEY_OTHER, KEY_OTHER, ids[KEY_OP], ids[KEY_ERROR], ids[KEY_ERROR] === 1 ? KEY_OTHER : 0, ids[KEY_CACHE]];
      for (let k = 0; k < this.#labels.length; k++) other.push(KEY_OTHER);
      this.keys.push(other);
      this.values.push(v);
    }
    return v;
  }

  /** A copy of the table, as data that crosses threads. */
  snapshot(): MetricsPartData {
    const exemplars = this.#exemplars.size === 0 ? undefined : this.values.map((v) => this.#exemplars.get(v));
    return { keys: this.keys.map((k) => k.slice()), values: this.values.map((v) => v.slice()), overflowed: this.overflowed, exemplars };
  }
}

// Exemplars (issue 32): a click from a latency or cost spike to the trace of a call that made it.
// Worker thread only. Each series keeps, per bucket of its two duration histograms and for its
// cost counter, the latest exemplar: the trace and span ids of one span, its value and time. So a
// bucket never holds more than one at a time, whatever the scrape interval.
//
// Only spans that were sampled and exported give exemplars: drain.ts picks candidates from a
// range after tail sampling (the range holds only kept spans) and before it is sent, and commits
// them once every destination acknowledged the whole batch; a batch that failed anywhere, or was
// partly refused, gives none. The picking costs the worker one series lookup and two hex strings
// per span of the batch, and only for the last span per (series, bucket): later spans of a batch
// overwrite earlier ones, so it walks the batch from its end and skips what it has.

import { F_END, F_INPUT, F_LATENCY, F_OUTPUT, F_CACHED_INPUT, F_CACHE_WRITE, F_REASONING, FLAG_USAGE, RECORD_F64, RECORD_U32, U_FLAGS, U_PROVIDER } from '../../shared/layout.js';
import { priceModelWord } from '../../shared/codec.js';
import type { ExemplarData, ExemplarsData } from '../../shared/metrics-config.js';
import type { DestinationOutcome } from '../../shared/worker-config.js';
import { costOfCall } from '../../pricing/rates.js';
import { priceOfCall } from '../../spans/record.js';
import { ID_BYTES, SPAN_AT, TRACE_AT, type TakenRange } from '../build.js';
import { bucket, GATEWAY_DURATION_BOUNDS, GENAI_SECONDS_BOUNDS, secondsBucket, type SeriesTable } from './series.js';

/** One exemplar: trace and span ids, the observed value (seconds for the durations, USD for the cost), epoch ms of the span's end. */
export type Exemplar = ExemplarData;
/** One series' exemplars: per bucket of each duration histogram, and for the cost counter. */
export type SeriesExemplars = ExemplarsData;

export function emptyExemplars(): SeriesExemplars {
  return { gateway: new Array(GATEWAY_DURATION_BOUNDS.length + 1), genai: new Array(GENAI_SECONDS_BOUNDS.length + 1), cost: undefined };
}

function later(a: Exemplar | undefined, b: Exemplar | undefined): Exemplar | undefined {
  return b === undefined ? a : a === undefined || b.timeMs >= a.timeMs ? b : a;
}

/** `from` merged into `into` (the later exemplar per place wins); `into` is created when undefined. */
export function mergeExemplars(into: SeriesExemplars | undefined, from: SeriesExemplars | undefined): SeriesExemplars | undefined {
  if (from === undefined) return into;
  const out = into ?? emptyExemplars();
  for (let i = 0; i < out.gateway.length; i++) out.gateway[i] = later(out.gateway[i], from.gateway[i]);
  for (let i = 0; i < out.genai.length; i++) out.genai[i] = later(out.genai[i], from.genai[i]);
  out.cost = later(out.cost, from.cost);
  return out;
}

/** Candidates of one batch, committed into the table once it is exported. */
export interface PickedExemplars {
  series: Float64Array[];
  exemplars: SeriesExemplars[];
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n; i++) s += HEX[b[i]];
  return s;
}

/** The exemplar candidates of `range` (its sampled spans, before they are sent), by series of `table`. */
export function pickExemplars(range: TakenRange, table: SeriesTable): PickedExemplars | undefined {
  const n = range.length;
  if (n === 0) return undefined;
  const u = range.records.u32;
  const f = range.records.f64;
  const ids = range.ids;
  const ctx = range.ctx;
  const bySeries = new Map<Float64Array, SeriesExemplars>();
  for (let i = n - 1; i >= 0; i--) {
    const ub = i * RECORD_U32;
    const fb = i * RECORD_F64;
    const flags = u[ub + U_FLAGS];
    const series = table.seriesOf(u, ub, flags);
    let ex = bySeries.get(series);
    if (ex === undefined) {
      ex = emptyExemplars();
      bySeries.set(series, ex);
    }
    const ms = f[fb + F_LATENCY];
    const gw = bucket(GATEWAY_DURATION_BOUNDS, ms / 1000);
    const ga = secondsBucket(ms);
    const needCost = ex.cost === undefined;
    if (ex.gateway[gw] !== undefined && ex.genai[ga] !== undefined && !needCost) continue;
    const at = i * ID_BYTES;
    const timeMs = ctx.timeOrigin + f[fb + F_END];
    const traceId = hex(ids, at + TRACE_AT, 16);
    const spanId = hex(ids, at + SPAN_AT, 8);
    ex.gateway[gw] ??= { traceId, spanId, value: ms / 1000, timeMs };
    ex.genai[ga] ??= { traceId, spanId, value: ms / 1000, timeMs };
    if (needCost) {
      const price = priceOfCall(ctx, u[ub + U_PROVIDER], priceModelWord(u, range.records.ext, ub)).price;
      const usage = (flags & FLAG_USAGE) !== 0;
      const cost = price === undefined ? 0 : costOfCall(price, f[fb + F_INPUT], f[fb + F_OUTPUT], usage ? f[fb + F_CACHED_INPUT] : 0,
        usage ? f[fb + F_CACHE_WRITE] : 0, usage ? f[fb + F_REASONING] : 0, timeMs);
      if (cost > 0) ex.cost = { traceId, spanId, value: Math.round(cost * 1e8) / 1e8, timeMs };
    }
  }
  return { series: [...bySeries.keys()], exemplars: [...bySeries.values()] };
}

/** A destination's outcome that took every span of its batch: its exemplars may be kept. */
export function exportedWhole(o: DestinationOutcome): boolean {
  return o.ok && (o.rejected ?? 0) === 0 && (o.tooLarge ?? 0) === 0 && (o.undelivered ?? 0) === 0 && (o.unsent?.length ?? 0) === 0;
}

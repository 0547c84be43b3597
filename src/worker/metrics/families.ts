// The metric families, each a projection of the merged series (series.ts), and the tracer's own
// health. One definition serves both expositions: OTLP uses `name` and `unit` as given, and the
// Prometheus text derives its names from them by the OTel-to-Prometheus translation
// (prometheusName). Worker thread only (the metrics host).

import { CACHE_HITS, CACHE_MISS, OP_EMBED, OPERATIONS } from '../../shared/layout.js';
import type { MetricsHealth } from '../../shared/metrics-config.js';
import { genAiOperation, genAiProvider } from '../../spans/record.js';
import {
  COST_SCALE,
  GATEWAY_DURATION_BOUNDS,
  GENAI_SECONDS_BOUNDS,
  GENAI_TOKEN_BOUNDS,
  KEY_CACHE,
  KEY_ERROR,
  KEY_ERROR_TYPE,
  KEY_LABELS,
  KEY_MODEL,
  KEY_OP,
  KEY_OTHER,
  KEY_PROVIDER,
  V_CACHE_READ,
  V_CACHE_WRITE,
  V_COST,
  V_COUNT,
  V_DURATION_SUM,
  V_GATEWAY_DURATION,
  V_GENAI_DURATION,
  V_INPUT,
  V_INPUT_TOKENS,
  V_OUTPUT,
  V_OUTPUT_TOKENS,
  V_REASONING,
  V_TOOLS,
  V_TTFT,
  V_TTFT_COUNT,
  V_TTFT_SUM,
  VALUE_WORDS,
  mergeValues,
} from './series.js';
import { signalFamilies } from './signal-families.js';
import { mergeExemplars, type Exemplar, type SeriesExemplars } from './exemplars.js';

export const OTHER_LABEL = '__other__';

export type Labels = [string, string][];
export interface NumberPoint {
  labels: Labels;
  value: number;
  /** The latest exported span counted in it (issue 32). */
  exemplar?: Exemplar;
}
export interface HistogramPoint {
  labels: Labels;
  count: number;
  sum: number;
  /** Per bucket (not cumulative), bounds.length + 1 of them. */
  buckets: number[];
  /** Per bucket, the latest exported span observed in it (issue 32). */
  exemplars?: (Exemplar | undefined)[];
}
/**
 * How a gauge combines across the processes of one host (merge.ts): 'sum' (spans pending, spooled:
 * the host's total means something), or 'process' (the default: one point per process, labelled
 * with its pid and service.instance.id, where a sum means nothing, as a ring's fill ratio).
 * Counters and histograms always sum.
 */
export type GaugeCombine = 'sum' | 'process';
export type Family =
  | { kind: 'counter'; name: string; unit: string; help: string; points: NumberPoint[] }
  | { kind: 'gauge'; name: string; unit: string; help: string; points: NumberPoint[]; combine?: GaugeCombine }
  | { kind: 'histogram'; name: string; unit: string; help: string; bounds: readonly number[]; points: HistogramPoint[] };

/** One label set's merged values. */
export interface Series {
  key: number[];
  values: Float64Array;
  exemplars?: SeriesExemplars;
}

/** What turns ids into label values. */
export interface Names {
  /** The string of a string id (0: ''). */
  string(id: number): string;
  /** metricAttributes names, in key order after KEY_LABELS. */
  labelNames: readonly string[];
}

function text(names: Names, id: number): string {
  return id === KEY_OTHER ? OTHER_LABEL : names.string(id);
}

/** Sums the series by the label sets `labelsOf` gives (undefined: the series is left out). */
function project(series: readonly Series[], labelsOf: (key: number[]) => Labels | undefined): Group[] {
  const groups = new Map<string, Group>();
  for (const s of series) {
    const labels = labelsOf(s.key);
    if (labels === undefined) continue;
    const id = JSON.stringify(labels);
    let g = groups.get(id);
    if (g === undefined) {
      g = { labels, v: new Float64Array(VALUE_WORDS) };
      groups.set(id, g);
    }
    mergeValues(g.v, s.values);
    g.ex = mergeExemplars(g.ex, s.exemplars);
  }
  return [...groups.values()];
}

type Group = { labels: Labels; v: Float64Array; ex?: SeriesExemplars };

function histogram(v: Float64Array, labels: Labels, count: number, sum: number, at: number, bounds: readonly number[], exemplars?: (Exemplar | undefined)[]): HistogramPoint {
  const p: HistogramPoint = { labels, count: v[count], sum: v[sum], buckets: Array.from(v.subarray(at, at + bounds.length + 1)) };
  if (exemplars !== undefined) p.exemplars = exemplars;
  return p;
}

/** Every metric family over the merged series, then the tracer's health. */
export function families(series: readonly Series[], names: Names, overflowed: number, health: MetricsHealth): Family[] {
  return [...seriesFamilies(series, names, overflowed), ...healthFamilies(health)];
}

/**
 * The families that are projections of the series: a host-wide /metrics sums the processes'
 * series first and projects once (group.ts), so every family added here sums across processes.
 */
export function seriesFamilies(series: readonly Series[], names: Names, overflowed: number): Family[] {
  const extra = (key: number[]): Labels => names.labelNames.map((n, k) => [n, key[KEY_LABELS + k] === 0 ? '' : text(names, key[KEY_LABELS + k])]);
  const gateway = (key: number[]): Labels => [['provider', text(names, key[KEY_PROVIDER])], ['model', text(names, key[KEY_MODEL])]];
  const genai = (key: number[]): Labels => {
    const provider = key[KEY_PROVIDER] === KEY_OTHER ? OTHER_LABEL : genAiProvider(names.string(key[KEY_PROVIDER]));
    return [['gen_ai.operation.name', genAiOperation(key[KEY_OP])], ['gen_ai.provider.name', provider], ['gen_ai.request.model', text(names, key[KEY_MODEL])]];
  };

  const requests = project(series, (k) => [...gateway(k), ['operation', OPERATIONS[k[KEY_OP]]], ['status', k[KEY_ERROR] === 1 ? 'error' : 'ok'], ...extra(k)]);
  const byModel = project(series, (k) => [...gateway(k), ...extra(k)]);
  const byOperation = project(series, (k) => [...gateway(k), ['operation', OPERATIONS[k[KEY_OP]]], ...extra(k)]);
  const hits = project(series, (k) => (k[KEY_CACHE] === CACHE_MISS ? undefined : [['cache_type', CACHE_HITS[k[KEY_CACHE]]], ...extra(k)]));
  const misses = project(series, (k) => (k[KEY_CACHE] === CACHE_MISS ? extra(k) : undefined));
  const genaiDuration = project(series, (k) => {
    const labels = genai(k);
    if (k[KEY_ERROR] === 1) labels.push(['error.type', k[KEY_ERROR_TYPE] === 0 ? '_OTHER' : text(names, k[KEY_ERROR_TYPE])]);
    return [...labels, ...extra(k)];
  });
  const genaiPlain = project(series, (k) => [...genai(k), ...extra(k)]);
  const TOKEN_TYPES: [string, number][] = [['input', V_INPUT], ['output', V_OUTPUT], ['cache_read', V_CACHE_READ], ['cache_write', V_CACHE_WRITE], ['reasoning', V_REASONING]];

  const out: Family[] = [
    { kind: 'counter', name: 'ractogateway.requests', unit: '{request}', help: 'LLM calls recorded, by provider, model, operation and status.',
      points: requests.map((g) => ({ labels: g.labels, value: g.v[V_COUNT] })) },
    { kind: 'histogram', name: 'ractogateway.request.duration', unit: 's', help: 'Latency of LLM calls.', bounds: GATEWAY_DURATION_BOUNDS,
      points: byOperation.map((g) => histogram(g.v, g.labels, V_COUNT, V_DURATION_SUM, V_GATEWAY_DURATION, GATEWAY_DURATION_BOUNDS, g.ex?.gateway)) },
    { kind: 'counter', name: 'ractogateway.tokens', unit: '{token}', help: 'Tokens of LLM calls by type (cache_read, cache_write are part of input; reasoning is part of output).',
      points: byModel.flatMap((g) => TOKEN_TYPES.map(([type, at]) => ({ labels: insert(g.labels, 2, ['token_type', type]), value: g.v[at] }))) },
    { kind: 'counter', name: 'ractogateway.cost_usd', unit: '{USD}', help: 'Estimated cost of LLM calls in US dollars.',
      points: byModel.map((g) => ({ labels: g.labels, value: g.v[V_COST] / COST_SCALE, exemplar: g.ex?.cost })) },
    { kind: 'counter', name: 'ractogateway.cache.hits', unit: '{call}', help: 'Calls answered from the gateway cache, by cache type.',
      points: hits.map((g) => ({ labels: g.labels, value: g.v[V_COUNT] })) },
    { kind: 'counter', name: 'ractogateway.cache.misses', unit: '{call}', help: 'Calls not answered from the gateway cache.',
      points: misses.map((g) => ({ labels: g.labels, value: g.v[V_COUNT] })) },
    { kind: 'counter', name: 'ractogateway.tool_calls', unit: '{call}', help: 'Tool calls requested by LLM responses (counts; the record carries no tool names).',
      points: byModel.map((g) => ({ labels: g.labels, value: g.v[V_TOOLS] })) },
    { kind: 'histogram', name: 'gen_ai.client.operation.duration', unit: 's', help: 'GenAI operation duration.', bounds: GENAI_SECONDS_BOUNDS,
      points: genaiDuration.map((g) => histogram(g.v, g.labels, V_COUNT, V_DURATION_SUM, V_GENAI_DURATION, GENAI_SECONDS_BOUNDS, g.ex?.genai)) },
    { kind: 'histogram', name: 'gen_ai.client.token.usage', unit: '{token}', help: 'Number of input and output tokens used.', bounds: GENAI_TOKEN_BOUNDS,
      points: genaiPlain.flatMap((g) => {
        const input = histogram(g.v, insert(g.labels, 3, ['gen_ai.token.type', 'input']), V_COUNT, V_INPUT, V_INPUT_TOKENS, GENAI_TOKEN_BOUNDS);
        if (g.labels[0][1] === genAiOperation(OP_EMBED)) return [input];
        return [input, histogram(g.v, insert(g.labels, 3, ['gen_ai.token.type', 'output']), V_COUNT, V_OUTPUT, V_OUTPUT_TOKENS, GENAI_TOKEN_BOUNDS)];
      }) },
    { kind: 'histogram', name: 'gen_ai.client.operation.time_to_first_chunk', unit: 's', help: 'Time to receive the first chunk of a streamed response.', bounds: GENAI_SECONDS_BOUNDS,
      points: genaiPlain.filter((g) => g.v[V_TTFT_COUNT] > 0).map((g) => histogram(g.v, g.labels, V_TTFT_COUNT, V_TTFT_SUM, V_TTFT, GENAI_SECONDS_BOUNDS)) },
    ...signalFamilies(genaiPlain, (labelsOf) => project(series, labelsOf), gateway, extra),
    { kind: 'counter', name: 'ractogateway.metric_series.overflow', unit: '{call}', help: `Calls counted under the ${OTHER_LABEL} series because maxMetricSeries was reached.`,
      points: [{ labels: [], value: overflowed }] },
  ];
  return out;
}

function insert(labels: Labels, at: number, label: [string, string]): Labels {
  return [...labels.slice(0, at), label, ...labels.slice(at)];
}

/** The tracer's own health (stats()) as families: each process's own, summed as families across a host. */
export function healthFamilies(h: MetricsHealth): Family[] {
  const byReason = (o: Record<string, number>): NumberPoint[] => Object.entries(o).map(([reason, value]) => ({ labels: [['reason', reason]], value }));
  return [
    { kind: 'counter', name: 'ractogateway.spans.recorded', unit: '{span}', help: 'Record calls accepted or dropped by the tracer.', points: [{ labels: [], value: h.recorded }] },
    { kind: 'counter', name: 'ractogateway.spans.exported', unit: '{span}', help: 'Spans every destination acknowledged.', points: [{ labels: [], value: h.exported }] },
    { kind: 'counter', name: 'ractogateway.spans.dropped', unit: '{span}', help: 'Spans not exported on purpose, by reason.', points: byReason(h.droppedByReason) },
    { kind: 'counter', name: 'ractogateway.spans.failed', unit: '{span}', help: 'Spans that failed to export, by reason.', points: byReason(h.failedByReason) },
    { kind: 'gauge', name: 'ractogateway.spans.pending', unit: '{span}', help: 'Spans recorded and not yet exported, dropped or failed.', combine: 'sum', points: [{ labels: [], value: h.pending }] },
    { kind: 'gauge', name: 'ractogateway.spans.spooled', unit: '{span}', help: 'Spans held in the disk spool until the collector takes them (part of pending).', combine: 'sum', points: [{ labels: [], value: h.spooled }] },
    { kind: 'counter', name: 'ractogateway.spans.replayed', unit: '{span}', help: 'Spans recorded by an earlier process and delivered from the disk spool.', points: [{ labels: [], value: h.replayed }] },
    { kind: 'gauge', name: 'ractogateway.ring.fill', unit: '1', help: 'Share of the record ring holding records not yet copied out by a worker (one point per process in a host-wide /metrics).',
      points: [{ labels: [], value: h.ringUsed / h.ringCapacity }] },
    { kind: 'counter', name: 'ractogateway.strings.folded', unit: '{call}', help: `Record calls whose provider, model or error type folded into __overflow__ (maxStrings).`,
      points: [{ labels: [], value: h.stringsFolded }] },
    { kind: 'counter', name: 'ractogateway.content.dropped', unit: '{span}', help: 'Spans exported without their captured content, by reason (arenaFull: no room in the content arena; scrubFailed: the scrub module failed).',
      points: byReason(h.contentDropped) },
    { kind: 'counter', name: 'ractogateway.content.redactions', unit: '{redaction}', help: 'Matches the built-in redaction rules replaced in captured content, by rule.',
      points: Object.entries(h.redactions).map(([rule, value]) => ({ labels: [['rule', rule]], value })) },
  ];
}

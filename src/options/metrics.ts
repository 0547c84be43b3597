// The metrics and tail-sampling options of RactoTracer: their public shape, defaults and
// validation. Main thread, at construction. What the workers get is MetricsConfig
// (shared/metrics-config.ts): plain data.

import { invalidRange, invalidType } from '../errors.js';
import type { MetricsConfig, SamplingConfig } from '../shared/metrics-config.js';
import { boolValue, intValue, stringValue } from './checks.js';

export interface SamplingOptions {
  /** Share of the calls that are neither errors nor slow whose spans are kept, in [0, 1]. */
  ratio: number;
  /** Keep every span of a failed call. Default true. */
  keepErrors?: boolean;
  /** Keep every span of a call slower than this many milliseconds. Default: none. */
  keepSlowerThanMs?: number;
}

export interface MetricsOptions {
  /**
   * Aggregate metrics in the workers for `tracer.metricsText()` even with no endpoint below (for
   * a gateway that serves /metrics on its own router). Implied by prometheusPort and
   * otlpMetricsEndpoint. Default false.
   */
  metrics?: boolean;
  /** Serve GET /metrics (Prometheus text format 0.0.4) from a worker thread on this port; 0 = any free port. */
  prometheusPort?: number;
  /** Address the /metrics server binds. Default '127.0.0.1'. */
  prometheusHost?: string;
  /** OTLP/HTTP (protobuf) metrics push; a URL with no path gets /v1/metrics. Default: none, unless OTEL_METRICS_EXPORTER lists otlp (options/env.ts). */
  otlpMetricsEndpoint?: string;
  /** Milliseconds between two OTLP metrics pushes. Default 60000, as the OTel SDK. */
  metricsExportIntervalMillis?: number;
  /** Names from attributeKeys that become labels of every metric (e.g. ['tenant']). */
  metricAttributes?: readonly string[];
  /**
   * Distinct label sets each worker keeps before new ones fold into one `__other__` series
   * (counted in ractogateway_metric_series_overflow_total). Default 2000.
   */
  maxMetricSeries?: number;
  /** Tail sampling of spans, decided in the worker once the call is known. Metrics see every call. */
  sampling?: SamplingOptions;
}

export const METRICS_DEFAULTS = Object.freeze({
  prometheusHost: '127.0.0.1',
  metricsExportIntervalMillis: 60_000,
  maxMetricSeries: 2_000,
});

export const METRICS_OPTION_NAMES: readonly string[] = [
  'metrics', 'prometheusPort', 'prometheusHost', 'otlpMetricsEndpoint', 'metricsExportIntervalMillis',
  'metricAttributes', 'maxMetricSeries', 'sampling',
];

const CODE = 'RACTO_ERR_INVALID_OPTION';

/**
 * The metrics configuration of `o`, undefined when metrics are off. `attributeKeys` are the
 * tracer's resolved attribute names (metricAttributes must be among them); `envUrl` the OTLP
 * push the environment asks for (used when otlpMetricsEndpoint is not given).
 */
export function resolveMetrics(o: MetricsOptions, attributeKeys: readonly string[], otlpHeaders: Record<string, string>, envUrl?: string): MetricsConfig | undefined {
  const enabled = o.metrics === undefined ? undefined : boolValue(o.metrics, 'metrics');
  const port = o.prometheusPort === undefined ? undefined : intValue(o.prometheusPort, 'prometheusPort', 0, 65_535);
  const host = o.prometheusHost === undefined ? METRICS_DEFAULTS.prometheusHost : stringValue(o.prometheusHost, 'prometheusHost');
  const url = o.otlpMetricsEndpoint === undefined ? envUrl : httpMetricsUrl(o.otlpMetricsEndpoint);
  const interval = o.metricsExportIntervalMillis === undefined
    ? METRICS_DEFAULTS.metricsExportIntervalMillis
    : intValue(o.metricsExportIntervalMillis, 'metricsExportIntervalMillis', 10, 86_400_000);
  const labels = metricAttributes(o.metricAttributes, attributeKeys);
  const maxSeries = o.maxMetricSeries === undefined ? METRICS_DEFAULTS.maxMetricSeries : intValue(o.maxMetricSeries, 'maxMetricSeries', 1, 1_000_000);
  const sampling = samplingOptions(o.sampling);
  if (enabled !== true && port === undefined && url === undefined) {
    return sampling === undefined ? undefined : { aggregate: false, labels, maxSeries, sampling };
  }
  return {
    aggregate: true,
    labels,
    maxSeries,
    sampling,
    prometheus: port === undefined ? undefined : { port, host },
    otlp: url === undefined ? undefined : { url, headers: otlpHeaders, intervalMillis: interval },
  };
}

/** OTLP/HTTP metrics: a URL without a path gets `/v1/metrics`; a URL with a path is used as given. */
export function httpMetricsUrl(endpoint: unknown): string {
  const field = 'options.otlpMetricsEndpoint';
  if (typeof endpoint !== 'string') throw invalidType(field, 'an http:// or https:// URL', endpoint, CODE);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalidType(field, 'a valid URL', endpoint, CODE);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidType(field, 'an http:// or https:// URL', endpoint, CODE);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/metrics';
  return url.href;
}

function samplingOptions(v: unknown): SamplingConfig | undefined {
  if (v === undefined) return undefined;
  const field = 'options.sampling';
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidType(field, 'an object like { ratio: 0.1 }', v, CODE);
  const s = v as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (key !== 'ratio' && key !== 'keepErrors' && key !== 'keepSlowerThanMs') {
      throw invalidType(`${field}.${key}`, "one of 'ratio', 'keepErrors', 'keepSlowerThanMs'", s[key], CODE);
    }
  }
  const ratio = s.ratio;
  if (typeof ratio !== 'number') throw invalidType(`${field}.ratio`, 'a number between 0 and 1', ratio, CODE);
  if (!(ratio >= 0 && ratio <= 1)) throw invalidRange(`${field}.ratio`, 'a number between 0 and 1', ratio, CODE);
  const keepErrors = s.keepErrors === undefined ? true : boolValue(s.keepErrors, 'sampling.keepErrors');
  let slowerThan = Infinity;
  if (s.keepSlowerThanMs !== undefined) {
    const ms = s.keepSlowerThanMs;
    if (typeof ms !== 'number') throw invalidType(`${field}.keepSlowerThanMs`, 'a number of milliseconds', ms, CODE);
    if (!(ms >= 0) || !Number.isFinite(ms)) throw invalidRange(`${field}.keepSlowerThanMs`, 'a finite number >= 0', ms, CODE);
    slowerThan = ms;
  }
  return { ratio, keepErrors, keepSlowerThanMs: slowerThan };
}

/** Positions in attributeKeys of the metricAttributes names. */
function metricAttributes(v: unknown, attributeKeys: readonly string[]): number[] {
  if (v === undefined) return [];
  const field = 'options.metricAttributes';
  if (!Array.isArray(v)) throw invalidType(field, 'an array of names from attributeKeys', v, CODE);
  return v.map((name: unknown, i) => {
    const at = typeof name === 'string' ? attributeKeys.indexOf(name) : -1;
    if (typeof name !== 'string') throw invalidType(`${field}[${i}]`, 'a name from attributeKeys', name, CODE);
    if (at < 0) throw invalidRange(`${field}[${i}]`, `one of attributeKeys (${attributeKeys.map((k) => `'${k}'`).join(', ') || 'none given'})`, name, CODE);
    if (v.indexOf(name) !== i) throw invalidRange(`${field}[${i}]`, 'a name not given twice', name, CODE);
    return at;
  });
}

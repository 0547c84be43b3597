// The one place that reads the OpenTelemetry environment variables: optionsFromEnv() turns
// process.env into typed option values, once, when a tracer resolves its options
// (resolveOptions() in index.ts, where the user's options win field by field). Main thread, at
// construction; the workers get plain resolved data and never read their own environment.
//
// A malformed value throws a TypeError/RangeError naming the variable and its text (code
// RACTO_ERR_INVALID_OPTION); with `onInvalid` (the lenient mode `ractogateway/register` uses) the
// variable is dropped instead, reported to onInvalid, and the others still apply.
//
// Which destinations the environment turns on (README, "Environment variables"): only when the
// options name no destination at all, and only when the environment names one (an endpoint
// variable, or OTEL_TRACES_EXPORTER). No OTEL_* variable set: nothing changes from before.

import { diag } from '@opentelemetry/api';
import type { OtlpCompression, OtlpHttpProtocol } from './export.js';
import {
  boolText, enumListText, enumText, grpcEndpointText, httpUrlText, intText, pairsText, text, withSignalPath,
} from './env-values.js';

export type OtlpProtocol = 'grpc' | OtlpHttpProtocol;

/** What the environment says, each field undefined when its variables are unset (or dropped as malformed). */
export interface EnvOptions {
  /** OTEL_SDK_DISABLED=true. */
  disabled?: boolean;
  /** OTEL_SERVICE_NAME. */
  serviceName?: string;
  /** OTEL_RESOURCE_ATTRIBUTES, decoded. */
  resourceAttributes?: Readonly<Record<string, string>>;
  /**
   * The span destinations the environment names (OTEL_TRACES_EXPORTER, the endpoint variables);
   * undefined when it names none. Used only when the options name no destination.
   */
  destinations?: EnvDestinations;
  /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / _PROTOCOL when http/*: the encoding of an OTLP/HTTP endpoint. */
  otlpHttpProtocol?: OtlpHttpProtocol;
  /** OTEL_EXPORTER_OTLP_HEADERS merged with OTEL_EXPORTER_OTLP_TRACES_HEADERS (the latter wins per key), names lower-cased. */
  otlpHeaders?: Readonly<Record<string, string>>;
  /** OTEL_EXPORTER_OTLP_TRACES_COMPRESSION / _COMPRESSION. */
  otlpCompression?: OtlpCompression;
  /** OTEL_EXPORTER_OTLP_TRACES_TIMEOUT / _TIMEOUT, else OTEL_BSP_EXPORT_TIMEOUT. */
  exportTimeoutMillis?: number;
  /** OTEL_BSP_SCHEDULE_DELAY. */
  scheduledDelayMillis?: number;
  /** OTEL_BSP_MAX_EXPORT_BATCH_SIZE (index.ts clamps it to the ring, as the OTel SDK clamps it to its queue). */
  maxExportBatchSize?: number;
  /** OTEL_BSP_MAX_QUEUE_SIZE rounded up to the ring's next power of two (at least 64). */
  ringCapacity?: number;
  /** OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT. */
  captureContent?: boolean;
  /** The OTLP/HTTP metrics push URL, when OTEL_METRICS_EXPORTER lists `otlp` (and not `none`). */
  otlpMetricsUrl?: string;
  /** OTEL_EXPORTER_OTLP_HEADERS merged with OTEL_EXPORTER_OTLP_METRICS_HEADERS, for an OTLP metrics push the options name. */
  otlpMetricsHeaders?: Readonly<Record<string, string>>;
}

export interface EnvDestinations {
  /** OTLP/gRPC endpoint (host:port or URL), when the protocol is grpc. */
  otlpEndpoint?: string;
  /** OTLP/HTTP URL, final: the spec's path rules are applied here. */
  otlpHttpUrl?: string;
  console: boolean;
}

export interface EnvReadOptions {
  /** Lenient mode: called with the error of each malformed variable, which is then left out. Default: throw it. */
  onInvalid?: (error: TypeError | RangeError) => void;
  /** Called for what the spec asks to warn about (a boolean that is neither true nor false). Default: diag.warn. */
  onWarning?: (message: string) => void;
}

/** Where resolveOptions() reads the environment: process.env unless `env` is given; onInvalid for the lenient mode. */
export interface EnvSource extends EnvReadOptions {
  env?: NodeJS.ProcessEnv;
}

/**
 * An internal key on an options object: how the environment is read for that tracer. A symbol, so
 * it is no public option and the unknown-option check never sees it.
 */
export const ENV_SOURCE: unique symbol = Symbol('ractogateway.envSource');

/**
 * `options` with the way the environment is read for them: `new RactoTracer(withEnvSource({},
 * { onInvalid }))` is a tracer whose malformed OTEL_* variables are reported to onInvalid and left
 * out, the others applied (what `ractogateway/register` needs).
 */
export function withEnvSource<T extends object>(options: T, source: EnvSource): T {
  return Object.assign({ ...options }, { [ENV_SOURCE]: source });
}

/** The ring's bounds (index.ts checks options.ringCapacity against the same). */
const RING_MIN = 64;
const RING_MAX = 4_194_304;
const MAX_MILLIS = 3_600_000;

export const DEFAULT_OTLP_HTTP = 'http://localhost:4318/';
export const DEFAULT_OTLP_GRPC = 'http://localhost:4317';

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env, read: EnvReadOptions = {}): EnvOptions {
  const warn = read.onWarning ?? ((message: string) => diag.warn(`ractogateway: ${message}`));
  /** `parse` of the variable's text; undefined when unset, or malformed in lenient mode. */
  const get = <T>(name: string, parse: (v: string) => T): T | undefined => {
    const v = text(env, name);
    if (v === undefined) return undefined;
    try {
      return parse(v);
    } catch (err) {
      if (read.onInvalid === undefined || !(err instanceof TypeError || err instanceof RangeError)) throw err;
      read.onInvalid(err);
      return undefined;
    }
  };
  const bool = (name: string): boolean | undefined => get(name, (v) => {
    const r = boolText(name, v);
    if (r.warning !== undefined) warn(r.warning);
    return r.value;
  });
  const ms = (name: string): number | undefined => get(name, (v) => intText(name, v, 1, MAX_MILLIS));
  const headers = (name: string): Record<string, string> | undefined => get(name, (v) => lowerKeys(pairsText(name, v, true)));

  const out: EnvOptions = {};
  const set = <K extends keyof EnvOptions>(key: K, value: EnvOptions[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('disabled', bool('OTEL_SDK_DISABLED'));
  set('serviceName', text(env, 'OTEL_SERVICE_NAME'));
  set('resourceAttributes', get('OTEL_RESOURCE_ATTRIBUTES', (v) => Object.freeze(pairsText('OTEL_RESOURCE_ATTRIBUTES', v, false))));

  // Each variable of a pair is read even when the other wins, so a malformed one is always reported.
  const protocol = first(get('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', protocolOf('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')),
    get('OTEL_EXPORTER_OTLP_PROTOCOL', protocolOf('OTEL_EXPORTER_OTLP_PROTOCOL')));
  if (protocol !== undefined && protocol !== 'grpc') out.otlpHttpProtocol = protocol;
  set('destinations', destinationsOf(env, protocol ?? 'http/protobuf', get));

  const generic = headers('OTEL_EXPORTER_OTLP_HEADERS');
  const traces = headers('OTEL_EXPORTER_OTLP_TRACES_HEADERS');
  if (generic !== undefined || traces !== undefined) out.otlpHeaders = Object.freeze({ ...generic, ...traces });
  const compression = (name: string): OtlpCompression | undefined => get(name, (v) => enumText(name, v, ['gzip', 'none'] as const));
  set('otlpCompression', first(compression('OTEL_EXPORTER_OTLP_TRACES_COMPRESSION'), compression('OTEL_EXPORTER_OTLP_COMPRESSION')));

  // One timeout bounds an export here (retries included): the exporter's own variables are the
  // more specific, the batch processor's the fallback.
  set('exportTimeoutMillis', first(ms('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT'), ms('OTEL_EXPORTER_OTLP_TIMEOUT'), ms('OTEL_BSP_EXPORT_TIMEOUT')));
  set('scheduledDelayMillis', ms('OTEL_BSP_SCHEDULE_DELAY'));
  set('maxExportBatchSize', get('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', (v) => intText('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', v, 1, RING_MAX)));
  set('ringCapacity', get('OTEL_BSP_MAX_QUEUE_SIZE', (v) => ringCapacityOf(intText('OTEL_BSP_MAX_QUEUE_SIZE', v, 1, RING_MAX))));
  const capture = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';
  set('captureContent', get(capture, (v) => captureOf(capture, v, warn)));

  const metricsHeaders = headers('OTEL_EXPORTER_OTLP_METRICS_HEADERS');
  if (generic !== undefined || metricsHeaders !== undefined) out.otlpMetricsHeaders = Object.freeze({ ...generic, ...metricsHeaders });
  const metricsExporters = get('OTEL_METRICS_EXPORTER', (v) => enumListText('OTEL_METRICS_EXPORTER', v, ['otlp', 'prometheus', 'console', 'none'] as const));
  if (metricsExporters?.includes('otlp') === true && !metricsExporters.includes('none')) {
    set('otlpMetricsUrl', metricsUrlOf(get));
  }
  return out;
}

/** The first value that is set: the more specific variable's, then the generic one's, then a default. */
function first<T>(...values: (T | undefined)[]): T | undefined {
  return values.find((v) => v !== undefined);
}

type Get = <T>(name: string, parse: (v: string) => T) => T | undefined;

const protocolOf = (name: string) => (v: string): OtlpProtocol => enumText(name, v, ['grpc', 'http/protobuf', 'http/json'] as const);

/**
 * The destinations the environment names. OTEL_TRACES_EXPORTER set: those it lists (`none`, alone
 * or not, means none). Unset: OTLP when an endpoint variable is set, else nothing (a tracer with
 * no OTEL_* variables behaves as it always did). The OTLP endpoint per the exporter spec: the
 * TRACES variable wins and is used as given; the generic one gets `v1/traces` on HTTP and is used
 * as given on gRPC; neither: localhost:4318 (HTTP) or localhost:4317 (gRPC).
 */
function destinationsOf(env: NodeJS.ProcessEnv, protocol: OtlpProtocol, get: Get): EnvDestinations | undefined {
  const listed = get('OTEL_TRACES_EXPORTER', (v) => enumListText('OTEL_TRACES_EXPORTER', v, ['otlp', 'console', 'none'] as const));
  const named = text(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') !== undefined || text(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined;
  if (listed === undefined && !named) return undefined;
  const none = listed?.includes('none') === true;
  const otlp = !none && (listed === undefined || listed.includes('otlp'));
  const out: EnvDestinations = { console: !none && listed?.includes('console') === true };
  if (!otlp) return out;
  if (protocol === 'grpc') {
    out.otlpEndpoint = first(get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', (v) => grpcEndpointText('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', v)),
      get('OTEL_EXPORTER_OTLP_ENDPOINT', (v) => grpcEndpointText('OTEL_EXPORTER_OTLP_ENDPOINT', v)), DEFAULT_OTLP_GRPC);
  } else {
    out.otlpHttpUrl = first(get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', (v) => httpUrlText('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', v).href),
      get('OTEL_EXPORTER_OTLP_ENDPOINT', (v) => withSignalPath(httpUrlText('OTEL_EXPORTER_OTLP_ENDPOINT', v), 'v1/traces')),
      withSignalPath(new URL(DEFAULT_OTLP_HTTP), 'v1/traces'));
  }
  return out;
}

/** The OTLP/HTTP metrics URL by the same rules (metrics are pushed as OTLP/HTTP protobuf only). */
function metricsUrlOf(get: Get): string | undefined {
  const generic = get('OTEL_EXPORTER_OTLP_ENDPOINT', (v) => withSignalPath(httpUrlText('OTEL_EXPORTER_OTLP_ENDPOINT', v), 'v1/metrics'));
  return first(get('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', (v) => httpUrlText('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', v).href),
    generic, withSignalPath(new URL(DEFAULT_OTLP_HTTP), 'v1/metrics'));
}

/**
 * The ring holds records waiting for export, as the SDK's queue does; it is a power of two, so the
 * queue size is rounded up to one (and to the ring's least, 64): never fewer places than asked.
 */
function ringCapacityOf(queue: number): number {
  return Math.max(RING_MIN, 2 ** Math.ceil(Math.log2(queue)));
}

/**
 * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, a boolean by the spec's rule (boolText): `true`
 * as the GenAI instrumentations read it, and the newer span modes (`span_only`, `span_and_event`)
 * too; `false` and the modes that put no content on spans (`event_only`, `no_content`) leave it off;
 * anything else is off with a warning.
 */
function captureOf(name: string, v: string, warn: (message: string) => void): boolean {
  const lower = v.toLowerCase();
  if (lower === 'span_only' || lower === 'span_and_event') return true;
  if (lower === 'event_only' || lower === 'no_content') return false;
  const r = boolText(name, v);
  if (r.warning !== undefined) warn(r.warning);
  return r.value;
}

function lowerKeys(pairs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(pairs)) out[k.toLowerCase()] = v;
  return out;
}

// Options of RactoTracer: the public shape, the frozen defaults and resolveOptions(), which
// validates once so the rest of the code works on a typed, complete object. Main thread only.
// By group: this file the tracer's own (service, prices, span names, attributes, the ring, the
// pool, the clock); export.ts where spans go; metrics.ts metrics and tail sampling; content.ts
// content capture; env.ts the OpenTelemetry environment variables, which the options win over
// field by field; resource.ts the resource's attributes; checks.ts the checks they share.

import { invalidRange, invalidType, invalidValue } from '../errors.js';
import { boolValue, intValue, oneOf, str, type Opts } from './checks.js';
import { ENV_SOURCE, optionsFromEnv, type EnvOptions, type EnvSource } from './env.js';
import { resourceAttributes } from './resource.js';
import { EXPORT_DEFAULTS, EXPORT_OPTION_NAMES, resolveExport, type ExportOptions, type OtlpHttpProtocol, type ResolvedExport } from './export.js';
import { EMPTY_PRICE_TABLE, mergePriceTable, type ModelPricingInit, type PriceTable } from '../pricing/model-pricing.js';
import { METRICS_OPTION_NAMES, resolveMetrics, type MetricsOptions } from './metrics.js';
import { CONTENT_OPTION_NAMES, resolveContent, type ContentOptions } from './content.js';
import type { ContentConfig } from '../shared/content-config.js';
import { MAX_ATTRIBUTE_KEYS } from '../shared/layout.js';
import type { MetricsConfig } from '../shared/metrics-config.js';
import type { ResourceAttributes } from '../shared/worker-config.js';
import type { SpanNames } from '../spans/record.js';

export type FullRingPolicy = 'drop' | 'block';
export type ClockMode = 'coarse' | 'precise';

export { ENV_SOURCE, optionsFromEnv, withEnvSource } from './env.js';
export type { EnvOptions, EnvReadOptions, EnvSource } from './env.js';
export type { ExportOptions, OtlpCompression, OtlpHttpProtocol, WorkerExporterSpec } from './export.js';

export interface RactoTracerOptions extends ExportOptions, MetricsOptions, ContentOptions {
  /** OTel resource `service.name`. Default: OTEL_SERVICE_NAME, else a service.name in OTEL_RESOURCE_ATTRIBUTES, else 'ractogateway'. */
  serviceName?: string;
  /**
   * Record nothing: no ring, no thread, no destination, no metrics; the record methods still
   * validate and return false, stats() reads zeros, flush() and shutdown() resolve. Default:
   * OTEL_SDK_DISABLED (true only when it is 'true').
   */
  disabled?: boolean;
  /** Your prices by model id; they win over genai-prices and DEFAULT_COST_TABLE. tracer.setPriceTable() swaps them later. */
  priceTable?: Readonly<Record<string, ModelPricingInit>>;
  /** Span names: 'seed' (default) `llm.chat` / `llm.embed`; 'genai' `{gen_ai.operation.name} {model}`, e.g. `chat gpt-4o`. */
  spanNames?: SpanNames;
  /**
   * Names of the per-call string attributes record calls may carry in `attributes` (tenant,
   * route, …), at most 4. Values are interned like models: keep them low-cardinality.
   */
  attributeKeys?: readonly string[];

  /**
   * Opt in to one refresh of genai-prices' data, fetched by each thread that prices (the workers;
   * the main thread of an inMemory tracer) when it first needs a price: `true` from genai-prices'
   * own URL, or a URL of your mirror of that JSON. Default false: no network, the installed data.
   */
  refreshPrices?: boolean | string;

  /** Records the ring holds; a power of two in [64, 4194304]. Default 65536 (8 MiB). */
  ringCapacity?: number;
  /** Worker threads draining the ring. Default 1. */
  workers?: number;
  /** Records per export batch (one claim by a drain loop, one OTLP request). Default 2048. */
  maxExportBatchSize?: number;
  /** Longest time a record waits in the ring before it is published to the drain loops. Default 1000 ms. */
  scheduledDelayMillis?: number;
  /** Longest time one export may take before its spans count as failed. Default 30000 ms. */
  exportTimeoutMillis?: number;
  /** Batches each worker has in flight at once (bounds the memory of a slow collector). Default 8. */
  maxPendingBatches?: number;
  /** Upper bound on flush() and shutdown(). Default 30000 ms. */
  shutdownTimeoutMillis?: number;
  /** Distinct strings (providers, models, error types) before new ones fold. Default 4096. */
  maxStrings?: number;
  /**
   * What a record call does when the ring is full. 'drop' (default): return false at once and
   * count the drop. 'block': wait on the calling thread, up to fullRingBlockMillis, for the
   * workers to free room (they free a batch's slots as soon as they have copied it, and a
   * finished export frees a task slot), then drop if there is still none.
   */
  fullRingPolicy?: FullRingPolicy;
  /** Longest wait of one record call under fullRingPolicy 'block'. Default 1000 ms. */
  fullRingBlockMillis?: number;
  /**
   * Where a record's end time comes from when the call has no `endTime`: 'coarse' (default when
   * workers run) reads a shared cell that a small thread refreshes every millisecond while calls
   * come faster than ~50,000/s, and reads the clock itself below that (main/clock.ts); 'precise'
   * always reads the clock (~35-70 ns more per record at high rates) and starts no thread.
   */
  clock?: ClockMode;
  /**
   * OS niceness (0-19) of the worker threads on Linux, so that under CPU contention the gateway's
   * event loop is scheduled first and telemetry waits. 0 leaves them at the process's priority.
   * Default 10.
   */
  workerNice?: number;
}

export const DEFAULTS = Object.freeze({
  serviceName: 'ractogateway',
  ringCapacity: 65_536,
  workers: 1,
  maxExportBatchSize: 2048,
  scheduledDelayMillis: 1_000,
  exportTimeoutMillis: 30_000,
  maxPendingBatches: 8,
  shutdownTimeoutMillis: 30_000,
  maxStrings: 4_096,
  fullRingPolicy: 'drop' as FullRingPolicy,
  fullRingBlockMillis: 1_000,
  clock: 'coarse' as ClockMode,
  workerNice: 10,
  ...EXPORT_DEFAULTS,
});

/** Milliseconds between two ticks of the coarse clock while it runs. */
export const COARSE_CLOCK_RESOLUTION_MS = 1;

/** Longest provider, model or error-type string accepted by the record methods. */
export const MAX_STRING_LENGTH = 256;
/** Bytes of UTF-8 text the string table holds per allowed string, on average. */
export const STRING_ARENA_BYTES_PER_ENTRY = 64;

export interface ResolvedOptions extends ResolvedExport {
  serviceName: string;
  /** The resource's attributes (resource.ts): service.name and OTEL_RESOURCE_ATTRIBUTES'. */
  resource: ResourceAttributes;
  disabled: boolean;
  priceTable: PriceTable;
  spanNames: SpanNames;
  attributeKeys: readonly string[];
  refreshPrices: boolean | string;
  ringCapacity: number;
  workers: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
  maxPendingBatches: number;
  shutdownTimeoutMillis: number;
  maxStrings: number;
  fullRingPolicy: FullRingPolicy;
  fullRingBlockMillis: number;
  clock: ClockMode;
  workerNice: number;
  /** Metrics and tail sampling (metrics.ts); undefined when both are off. */
  metrics: MetricsConfig | undefined;
  /** Content capture and redaction (content.ts); undefined when no content is captured. */
  content: ContentConfig | undefined;
}

const KNOWN = new Set([
  'serviceName', 'disabled', 'priceTable', 'spanNames', 'attributeKeys', 'refreshPrices', ...Object.keys(DEFAULTS),
  ...EXPORT_OPTION_NAMES, ...METRICS_OPTION_NAMES, ...CONTENT_OPTION_NAMES,
]);

export function resolveOptions(options: RactoTracerOptions | undefined = {}, source: EnvSource = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidType('options', 'an object', options, 'RACTO_ERR_INVALID_OPTION');
  }
  const o = options as Opts;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) {
      throw invalidType(`options.${key}`, 'a known option (see RactoTracerOptions)', o[key], 'RACTO_ERR_INVALID_OPTION');
    }
  }
  const from = (options as { [ENV_SOURCE]?: EnvSource })[ENV_SOURCE] ?? source;
  const env = optionsFromEnv(from.env ?? process.env, from);
  /** The option when given, else the environment's value, else the default. */
  const int = (name: keyof typeof DEFAULTS, min: number, max: number): number =>
    o[name] === undefined ? envInt(env, name) ?? (DEFAULTS[name] as number) : intValue(o[name], name, min, max);
  const ringCapacity = int('ringCapacity', 64, 4_194_304);
  if ((ringCapacity & (ringCapacity - 1)) !== 0) {
    throw invalidRange('options.ringCapacity', 'a power of two between 64 and 4194304', ringCapacity, 'RACTO_ERR_INVALID_OPTION');
  }
  const keys = attributeKeys(o.attributeKeys);
  const disabled = o.disabled === undefined ? env.disabled ?? false : boolValue(o.disabled, 'disabled');
  const destinations = resolveExport(o, env);
  const serviceName = str(o, 'serviceName') ?? env.serviceName ?? (env.resourceAttributes?.['service.name'] || undefined) ?? DEFAULTS.serviceName;
  const headers = headersFor(o, env.otlpMetricsHeaders);
  const resolved: ResolvedOptions = {
    serviceName,
    resource: resourceAttributes({ serviceName, fromEnv: env.resourceAttributes }),
    disabled,
    ...destinations,
    priceTable: mergePriceTable(EMPTY_PRICE_TABLE, options.priceTable),
    spanNames: oneOf(o, 'spanNames', ['seed', 'genai'] as const) ?? 'seed',
    attributeKeys: keys,
    refreshPrices: refreshPrices(o.refreshPrices),
    ringCapacity,
    workers: int('workers', 1, 64),
    // From the environment, a batch larger than the ring is cut to it, as the OTel SDK cuts
    // OTEL_BSP_MAX_EXPORT_BATCH_SIZE to its queue; an option that large is an error.
    maxExportBatchSize: o.maxExportBatchSize === undefined
      ? Math.min(env.maxExportBatchSize ?? DEFAULTS.maxExportBatchSize, ringCapacity)
      : intValue(o.maxExportBatchSize, 'maxExportBatchSize', 1, ringCapacity),
    scheduledDelayMillis: int('scheduledDelayMillis', 1, 3_600_000),
    exportTimeoutMillis: int('exportTimeoutMillis', 1, 3_600_000),
    maxPendingBatches: int('maxPendingBatches', 1, 1024),
    shutdownTimeoutMillis: int('shutdownTimeoutMillis', 1, 3_600_000),
    maxStrings: int('maxStrings', 16, 1_048_576),
    fullRingPolicy: oneOf(o, 'fullRingPolicy', ['drop', 'block'] as const) ?? DEFAULTS.fullRingPolicy,
    fullRingBlockMillis: int('fullRingBlockMillis', 1, 3_600_000),
    clock: oneOf(o, 'clock', ['coarse', 'precise'] as const) ?? DEFAULTS.clock,
    workerNice: int('workerNice', 0, 19),
    // metrics: false keeps the environment's OTLP metrics push off too.
    metrics: resolveMetrics(options, keys, headers, o.metrics === false ? undefined : env.otlpMetricsUrl),
    content: resolveContent(options, env.captureContent),
  };
  return disabled ? disable(resolved) : resolved;
}

/** The environment's value of an integer option (ringCapacity, scheduledDelayMillis, exportTimeoutMillis), if it has one. */
function envInt(env: EnvOptions, name: string): number | undefined {
  const v = (env as Record<string, unknown>)[name];
  return typeof v === 'number' ? v : undefined;
}

/** The headers of an OTLP metrics push: the environment's (generic, then metrics) and the options', which win per name. */
function headersFor(o: Opts, fromEnv: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return { ...fromEnv, ...(o.otlpHeaders as Record<string, string> | undefined) };
}

/** Options validated as usual, then every destination, metrics and content turned off: the tracer records nothing. */
function disable(r: ResolvedOptions): ResolvedOptions {
  return {
    ...r,
    otlpEndpoint: undefined,
    otlpHttpEndpoint: undefined,
    console: false,
    inMemory: false,
    customExporter: undefined,
    workerExporters: [],
    spoolDir: undefined,
    metrics: undefined,
    content: undefined,
  };
}

function refreshPrices(v: unknown): boolean | string {
  if (v === undefined || typeof v === 'boolean') return v ?? false;
  if (typeof v === 'string' && /^https?:\/\/./.test(v) && URL.canParse(v)) return v;
  throw invalidValue('options.refreshPrices', 'a boolean or an http(s) URL', v, 'RACTO_ERR_INVALID_OPTION');
}

// Attribute names the tracer writes itself; a call attribute may not shadow them.
const RESERVED_ATTRIBUTE = /^(?:llm\.|gen_ai\.|error\.type$)/;

function attributeKeys(v: unknown): readonly string[] {
  if (v === undefined) return [];
  const field = 'options.attributeKeys';
  if (!Array.isArray(v)) throw invalidType(field, 'an array of attribute names', v, 'RACTO_ERR_INVALID_OPTION');
  if (v.length > MAX_ATTRIBUTE_KEYS) {
    throw invalidRange(field, `at most ${MAX_ATTRIBUTE_KEYS} names`, v.length, 'RACTO_ERR_INVALID_OPTION');
  }
  v.forEach((key: unknown, i) => {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_STRING_LENGTH) {
      throw invalidType(`${field}[${i}]`, `a string of 1 to ${MAX_STRING_LENGTH} characters`, key, 'RACTO_ERR_INVALID_OPTION');
    }
    if (RESERVED_ATTRIBUTE.test(key)) {
      throw invalidRange(`${field}[${i}]`, "a name outside 'llm.*', 'gen_ai.*' and 'error.type', which the tracer writes", key, 'RACTO_ERR_INVALID_OPTION');
    }
    if (v.indexOf(key) !== i) throw invalidRange(`${field}[${i}]`, 'a name not given twice', key, 'RACTO_ERR_INVALID_OPTION');
  });
  return Object.freeze([...(v as string[])]);
}


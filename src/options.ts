// Options of RactoTracer: the public shape, the frozen defaults and resolveOptions(), which
// validates once so the rest of the code works on a typed, complete object. Main thread only.

import { pathToFileURL } from 'node:url';
import type { SpanExporter } from './spans/sdk-shapes.js';
import { invalidRange, invalidType, invalidValue } from './errors.js';
import { EMPTY_PRICE_TABLE, mergePriceTable, type ModelPricingInit, type PriceTable } from './pricing/model-pricing.js';
import { METRICS_OPTION_NAMES, resolveMetrics, type MetricsOptions } from './metrics-options.js';
import { CONTENT_OPTION_NAMES, captureFromEnv, resolveContent, type ContentOptions } from './content-options.js';
import type { ContentConfig } from './shared/content-config.js';
import { MAX_ATTRIBUTE_KEYS } from './shared/layout.js';
import type { MetricsConfig } from './shared/metrics-config.js';
import type { SpanNames } from './spans/record.js';

export type FullRingPolicy = 'drop' | 'block';
export type ClockMode = 'coarse' | 'precise';

export interface WorkerExporterSpec {
  /** An absolute file path, a file: URL or a package name, resolved by the worker. */
  module: string;
  /** Named export of the SpanExporter class. Default 'default'. */
  exportName?: string;
  options?: unknown;
}
export type OtlpHttpProtocol = 'http/json' | 'http/protobuf';
export type OtlpCompression = 'gzip' | 'none';

export interface RactoTracerOptions extends MetricsOptions, ContentOptions {
  /** OTel resource `service.name`. Default 'ractogateway'. */
  serviceName?: string;
  /** OTLP/gRPC collector endpoint, e.g. 'http://localhost:4317'. */
  otlpEndpoint?: string;
  /** OTLP/HTTP collector endpoint, e.g. 'http://localhost:4318'. */
  otlpHttpEndpoint?: string;
  /** Print finished spans to stdout (from the worker). */
  console?: boolean;
  /** Capture SpanRecords on the calling thread, readable at once through `tracer.spans`. */
  inMemory?: boolean;
  /** Any SpanExporter object. Spans are built in the workers and handed to it on the main thread. */
  customExporter?: SpanExporter;
  /** Your prices by model id; they win over genai-prices and DEFAULT_COST_TABLE. tracer.setPriceTable() swaps them later. */
  priceTable?: Readonly<Record<string, ModelPricingInit>>;
  /** Span names: 'seed' (default) `llm.chat` / `llm.embed`; 'genai' `{gen_ai.operation.name} {model}`, e.g. `chat gpt-4o`. */
  spanNames?: SpanNames;
  /**
   * Names of the per-call string attributes record calls may carry in `attributes` (tenant,
   * route, …), at most 4. Values are interned like models: keep them low-cardinality.
   */
  attributeKeys?: readonly string[];

  /** Headers sent with every OTLP request (gRPC metadata or HTTP headers), e.g. API keys. Never logged. */
  otlpHeaders?: Readonly<Record<string, string>>;
  /** OTLP request compression. Default: the exporters' own (OTEL_EXPORTER_OTLP_*COMPRESSION, else none). */
  otlpCompression?: OtlpCompression;
  /** Encoding of OTLP/HTTP. Default: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL, else 'http/protobuf' (the OTLP default). */
  otlpHttpProtocol?: OtlpHttpProtocol;

  /**
   * Exporters constructed inside each worker from a module: `new (await import(module))[exportName](options)`.
   * `options` must be cloneable data. The zero-main-thread alternative to customExporter.
   */
  workerExporters?: readonly WorkerExporterSpec[];

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
  /**
   * A directory for the disk spool (off by default): a batch an OTLP protobuf destination (gRPC,
   * HTTP protobuf) cannot deliver within exportTimeoutMillis is appended there (fsync'd) instead
   * of failing, and replayed once the collector answers; segments an earlier process left are
   * replayed too. One process per directory (a lock file). See README "Disk spool".
   */
  spoolDir?: string;
  /** Most bytes the spool's segments may take; past it the oldest segment is dropped (failed: spoolFull). Default 268435456 (256 MiB). */
  spoolMaxBytes?: number;
}

export const DEFAULTS = Object.freeze({
  serviceName: 'ractogateway',
  console: false,
  inMemory: false,
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
  spoolMaxBytes: 256 * 2 ** 20,
});

/** Milliseconds between two ticks of the coarse clock while it runs. */
export const COARSE_CLOCK_RESOLUTION_MS = 1;

/** Longest provider, model or error-type string accepted by the record methods. */
export const MAX_STRING_LENGTH = 256;
/** Bytes of UTF-8 text the string table holds per allowed string, on average. */
export const STRING_ARENA_BYTES_PER_ENTRY = 64;

export interface ResolvedOptions {
  serviceName: string;
  otlpEndpoint: string | undefined;
  otlpHttpEndpoint: string | undefined;
  console: boolean;
  inMemory: boolean;
  customExporter: SpanExporter | undefined;
  priceTable: PriceTable;
  spanNames: SpanNames;
  attributeKeys: readonly string[];
  otlpHeaders: Record<string, string>;
  otlpCompression: OtlpCompression | undefined;
  otlpHttpProtocol: OtlpHttpProtocol;
  workerExporters: Required<WorkerExporterSpec>[];
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
  /** Metrics and tail sampling (metrics-options.ts); undefined when both are off. */
  metrics: MetricsConfig | undefined;
  /** Content capture and redaction (content-options.ts); undefined when no content is captured. */
  content: ContentConfig | undefined;
  spoolDir: string | undefined;
  spoolMaxBytes: number;
}

const KNOWN = new Set([
  'serviceName', 'otlpEndpoint', 'otlpHttpEndpoint', 'console', 'inMemory', 'customExporter',
  'priceTable', 'spanNames', 'attributeKeys', 'otlpHeaders', 'otlpCompression', 'otlpHttpProtocol', 'workerExporters', 'refreshPrices', 'spoolDir', ...Object.keys(DEFAULTS),
  ...METRICS_OPTION_NAMES, ...CONTENT_OPTION_NAMES,
]);

/** The environment variables the tracer itself reads; the OTLP exporters read their own. */
export interface EnvOptions {
  otlpHttpProtocol: OtlpHttpProtocol | undefined;
  /** OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true: capture content unless options.captureContent says otherwise. */
  captureContent?: boolean;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): EnvOptions {
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL;
  return {
    otlpHttpProtocol: protocol === 'http/json' || protocol === 'http/protobuf' ? protocol : undefined,
    captureContent: captureFromEnv(env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT),
  };
}

export function resolveOptions(
  options: RactoTracerOptions | undefined = {},
  env: EnvOptions = optionsFromEnv(),
): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidType('options', 'an object', options, 'RACTO_ERR_INVALID_OPTION');
  }
  const o = options as Opts;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) {
      throw invalidType(`options.${key}`, 'a known option (see RactoTracerOptions)', o[key], 'RACTO_ERR_INVALID_OPTION');
    }
  }
  const ringCapacity = int(o, 'ringCapacity', 64, 4_194_304);
  if ((ringCapacity & (ringCapacity - 1)) !== 0) {
    throw invalidRange('options.ringCapacity', 'a power of two between 64 and 4194304', ringCapacity, 'RACTO_ERR_INVALID_OPTION');
  }
  const keys = attributeKeys(o.attributeKeys);
  const otlpHeaders = headers(o.otlpHeaders);
  return {
    serviceName: str(o, 'serviceName') ?? DEFAULTS.serviceName,
    otlpEndpoint: str(o, 'otlpEndpoint'),
    otlpHttpEndpoint: str(o, 'otlpHttpEndpoint'),
    console: bool(o, 'console'),
    inMemory: bool(o, 'inMemory'),
    customExporter: exporter(options.customExporter),
    priceTable: mergePriceTable(EMPTY_PRICE_TABLE, options.priceTable),
    spanNames: oneOf(o, 'spanNames', ['seed', 'genai'] as const) ?? 'seed',
    attributeKeys: keys,
    otlpHeaders,
    otlpCompression: oneOf(o, 'otlpCompression', ['gzip', 'none'] as const),
    otlpHttpProtocol: oneOf(o, 'otlpHttpProtocol', ['http/json', 'http/protobuf'] as const) ??
      env.otlpHttpProtocol ?? 'http/protobuf',
    workerExporters: workerExporters(o.workerExporters),
    refreshPrices: refreshPrices(o.refreshPrices),
    ringCapacity,
    workers: int(o, 'workers', 1, 64),
    maxExportBatchSize: int(o, 'maxExportBatchSize', 1, ringCapacity),
    scheduledDelayMillis: int(o, 'scheduledDelayMillis', 1, 3_600_000),
    exportTimeoutMillis: int(o, 'exportTimeoutMillis', 1, 3_600_000),
    maxPendingBatches: int(o, 'maxPendingBatches', 1, 1024),
    shutdownTimeoutMillis: int(o, 'shutdownTimeoutMillis', 1, 3_600_000),
    maxStrings: int(o, 'maxStrings', 16, 1_048_576),
    fullRingPolicy: oneOf(o, 'fullRingPolicy', ['drop', 'block'] as const) ?? DEFAULTS.fullRingPolicy,
    fullRingBlockMillis: int(o, 'fullRingBlockMillis', 1, 3_600_000),
    clock: oneOf(o, 'clock', ['coarse', 'precise'] as const) ?? DEFAULTS.clock,
    workerNice: int(o, 'workerNice', 0, 19),
    metrics: resolveMetrics(options, keys, otlpHeaders),
    content: resolveContent(options, env.captureContent),
    spoolDir: str(o, 'spoolDir'),
    spoolMaxBytes: int(o, 'spoolMaxBytes', 65_536, 2 ** 48),
  };
}

type Opts = Record<string, unknown>;

function str(o: Opts, name: string): string | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0) {
    throw invalidType(`options.${name}`, 'a non-empty string', v, 'RACTO_ERR_INVALID_OPTION');
  }
  return v;
}

function refreshPrices(v: unknown): boolean | string {
  if (v === undefined || typeof v === 'boolean') return v ?? false;
  if (typeof v === 'string' && /^https?:\/\/./.test(v) && URL.canParse(v)) return v;
  throw invalidValue('options.refreshPrices', 'a boolean or an http(s) URL', v, 'RACTO_ERR_INVALID_OPTION');
}

function bool(o: Opts, name: 'console' | 'inMemory'): boolean {
  const v = o[name];
  if (v === undefined) return DEFAULTS[name];
  if (typeof v !== 'boolean') throw invalidType(`options.${name}`, 'a boolean', v, 'RACTO_ERR_INVALID_OPTION');
  return v;
}

function int(o: Opts, name: keyof typeof DEFAULTS, min: number, max: number): number {
  const v = o[name];
  if (v === undefined) return DEFAULTS[name] as number;
  if (typeof v !== 'number') throw invalidType(`options.${name}`, 'a number', v, 'RACTO_ERR_INVALID_OPTION');
  if (!Number.isInteger(v) || v < min || v > max) {
    throw invalidRange(`options.${name}`, `an integer between ${min} and ${max}`, v, 'RACTO_ERR_INVALID_OPTION');
  }
  return v;
}

function exporter(v: unknown): SpanExporter | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || typeof (v as SpanExporter).export !== 'function' ||
      typeof (v as SpanExporter).shutdown !== 'function') {
    throw invalidType('options.customExporter', 'a SpanExporter (an object with export() and shutdown())', v, 'RACTO_ERR_INVALID_OPTION');
  }
  return v as SpanExporter;
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

function oneOf<T extends string>(o: Opts, name: string, values: readonly T[]): T | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (!values.includes(v as T)) {
    const expected = values.map((x) => `'${x}'`).join(' or ');
    throw invalidValue(`options.${name}`, expected, v, 'RACTO_ERR_INVALID_OPTION');
  }
  return v as T;
}

function headers(v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw invalidType('options.otlpHeaders', 'an object of header names to string values', v, 'RACTO_ERR_INVALID_OPTION');
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(v)) {
    // The value is never echoed: header values are secrets (API keys).
    if (typeof value !== 'string') {
      const err = new TypeError(`options.otlpHeaders[${JSON.stringify(name)}] must be a string (received a ${value === null ? 'null' : typeof value})`);
      throw Object.assign(err, { code: 'RACTO_ERR_INVALID_OPTION' });
    }
    out[name] = value;
  }
  return out;
}

function workerExporters(v: unknown): Required<WorkerExporterSpec>[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw invalidType('options.workerExporters', 'an array', v, 'RACTO_ERR_INVALID_OPTION');
  return v.map((spec: unknown, i) => {
    const field = `options.workerExporters[${i}]`;
    if (typeof spec !== 'object' || spec === null) throw invalidType(field, 'an object with a module', spec, 'RACTO_ERR_INVALID_OPTION');
    const { module, exportName = 'default', options } = spec as WorkerExporterSpec;
    if (typeof module !== 'string' || module.length === 0) {
      throw invalidType(`${field}.module`, 'a non-empty string', module, 'RACTO_ERR_INVALID_OPTION');
    }
    if (typeof exportName !== 'string') throw invalidType(`${field}.exportName`, 'a string', exportName, 'RACTO_ERR_INVALID_OPTION');
    try {
      structuredClone(options);
    } catch {
      throw invalidType(`${field}.options`, 'cloneable data', options, 'RACTO_ERR_INVALID_OPTION');
    }
    return { module: module.startsWith('/') ? pathToFileURL(module).href : module, exportName, options };
  });
}

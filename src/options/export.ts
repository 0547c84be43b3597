// The export options of RactoTracer, where spans go and how: the OTLP endpoints and their
// headers, compression and encoding, console, in-memory capture, a customExporter or exporters
// built in the workers, and the disk spool. Their public shape, defaults and validation. Main
// thread, at construction; main/endpoints.ts turns the endpoints into URLs.

import type { SpanExporter } from '../spans/sdk-shapes.js';
import { invalidType } from '../errors.js';
import { bool, int, moduleSpecifier, oneOf, str, type Opts } from './checks.js';
import type { EnvOptions } from './env.js';

export interface WorkerExporterSpec {
  /** An absolute file path, a file: URL or a package name, resolved by the worker. */
  module: string;
  /** Named export of the SpanExporter class. Default 'default'. */
  exportName?: string;
  options?: unknown;
}
export type OtlpHttpProtocol = 'http/json' | 'http/protobuf';
export type OtlpCompression = 'gzip' | 'none';

export interface ExportOptions {
  // With none of otlpEndpoint, otlpHttpEndpoint, console, inMemory, customExporter and
  // workerExporters given, the environment names the destinations (options/env.ts).
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
  /** Headers sent with every OTLP request (gRPC metadata or HTTP headers), e.g. API keys; they win per name over OTEL_EXPORTER_OTLP_*HEADERS. Never logged. */
  otlpHeaders?: Readonly<Record<string, string>>;
  /** OTLP request compression. Default: OTEL_EXPORTER_OTLP_TRACES_COMPRESSION or OTEL_EXPORTER_OTLP_COMPRESSION, else none. */
  otlpCompression?: OtlpCompression;
  /** Encoding of OTLP/HTTP. Default: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL, else 'http/protobuf' (the OTLP default). */
  otlpHttpProtocol?: OtlpHttpProtocol;

  /**
   * Exporters constructed inside each worker from a module: `new (await import(module))[exportName](options)`.
   * `options` must be cloneable data. The zero-main-thread alternative to customExporter.
   */
  workerExporters?: readonly WorkerExporterSpec[];
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

export const EXPORT_DEFAULTS = Object.freeze({
  console: false,
  inMemory: false,
  spoolMaxBytes: 256 * 2 ** 20,
});

export const EXPORT_OPTION_NAMES = [
  'otlpEndpoint', 'otlpHttpEndpoint', 'console', 'inMemory', 'customExporter', 'otlpHeaders', 'otlpCompression', 'otlpHttpProtocol',
  'workerExporters', 'spoolDir', 'spoolMaxBytes',
] as const;

/** The options that name a destination: given any of them (even false), the environment names none. */
export const DESTINATION_OPTION_NAMES = ['otlpEndpoint', 'otlpHttpEndpoint', 'console', 'inMemory', 'customExporter', 'workerExporters'] as const;

export interface ResolvedExport {
  otlpEndpoint: string | undefined;
  otlpHttpEndpoint: string | undefined;
  /** otlpHttpEndpoint is the final URL (the environment's, its path rules applied), not an option's endpoint. */
  otlpHttpEndpointFinal: boolean;
  console: boolean;
  inMemory: boolean;
  customExporter: SpanExporter | undefined;
  otlpHeaders: Record<string, string>;
  otlpCompression: OtlpCompression | undefined;
  otlpHttpProtocol: OtlpHttpProtocol;
  workerExporters: Required<WorkerExporterSpec>[];
  spoolDir: string | undefined;
  spoolMaxBytes: number;
}

export function resolveExport(o: Opts, env: EnvOptions): ResolvedExport {
  const fromEnv = DESTINATION_OPTION_NAMES.every((name) => o[name] === undefined) ? env.destinations : undefined;
  return {
    otlpEndpoint: str(o, 'otlpEndpoint') ?? fromEnv?.otlpEndpoint,
    otlpHttpEndpoint: str(o, 'otlpHttpEndpoint') ?? fromEnv?.otlpHttpUrl,
    otlpHttpEndpointFinal: fromEnv?.otlpHttpUrl !== undefined,
    console: bool(o, 'console', fromEnv?.console ?? EXPORT_DEFAULTS.console),
    inMemory: bool(o, 'inMemory', EXPORT_DEFAULTS.inMemory),
    customExporter: exporter(o.customExporter),
    otlpHeaders: { ...env.otlpHeaders, ...headers(o.otlpHeaders) },
    otlpCompression: oneOf(o, 'otlpCompression', ['gzip', 'none'] as const) ?? env.otlpCompression,
    otlpHttpProtocol: oneOf(o, 'otlpHttpProtocol', ['http/json', 'http/protobuf'] as const) ?? env.otlpHttpProtocol ?? 'http/protobuf',
    workerExporters: workerExporters(o.workerExporters),
    spoolDir: str(o, 'spoolDir'),
    spoolMaxBytes: int(o, 'spoolMaxBytes', EXPORT_DEFAULTS.spoolMaxBytes, 65_536, 2 ** 48),
  };
}

function exporter(v: unknown): SpanExporter | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || typeof (v as SpanExporter).export !== 'function' ||
      typeof (v as SpanExporter).shutdown !== 'function') {
    throw invalidType('options.customExporter', 'a SpanExporter (an object with export() and shutdown())', v, 'RACTO_ERR_INVALID_OPTION');
  }
  return v as SpanExporter;
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
    return { module: moduleSpecifier(module), exportName, options };
  });
}

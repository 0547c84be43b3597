// The plain data that configures a worker, and the few messages that cross threads. Pure types;
// both threads. Only data crosses threads: exporters are described, never sent.
//
// No message travels per batch on the OTLP, console and worker-exporter paths: the drain loops
// claim records and count outcomes through shared memory (layout.ts). Messages are for rare
// events only, and for the one destination that lives on the main thread:
//   main -> workers  (BroadcastChannel `channel`)  PricesMessage, AckMessage (customExporter)
//   worker -> main   (piscina's parentPort events)  SpansMessage (customExporter), NeedPrices, LogMessage

import type { PriceTableData } from '../pricing/model-pricing.js';
import type { ContentConfig } from './content-config.js';
import type { MetricsConfig, MetricsMessage } from './metrics-config.js';
import type { SpanData } from './span-data.js';

export type DestinationConfig =
  | { kind: 'console'; name: string }
  | { kind: 'discard'; name: string }
  | { kind: 'module'; name: string; module: string; exportName: string; options: unknown }
  | ({ kind: 'otlp-grpc' } & OtlpConfig)
  | ({ kind: 'otlp-http'; protocol: 'http/json' | 'http/protobuf' } & OtlpConfig);

/** A resource's attributes, plain data. */
export type ResourceAttributes = Readonly<Record<string, string | number | boolean>>;

export interface OtlpConfig {
  name: string;
  url: string;
  headers: Record<string, string>;
  compression: 'gzip' | 'none' | undefined;
  timeoutMillis: number;
  /** At least the batches a worker may export at once, so the exporter never refuses one. */
  concurrencyLimit: number;
}

export interface WorkerConfig {
  ring: SharedArrayBuffer;
  strings: SharedArrayBuffer;
  /** The learned-strings table (learned-strings.ts): strings workers read out of wire exchanges. */
  learned: SharedArrayBuffer;
  /** The control block (layout.ts): claim index, wake words, worker slots. */
  control: SharedArrayBuffer;
  /** BigInt64 outcome counters (layout.ts counterLayout). */
  counters: SharedArrayBuffer;
  /** Float64 main-thread counts for the health metrics (metrics-config.ts HEALTH_*). */
  health: SharedArrayBuffer;
  /** Worker slots in the control block. */
  slots: number;
  /** Name of the BroadcastChannel the main thread posts to. */
  channel: string;
  /** performance.timeOrigin of the main thread: record end times are relative to it. */
  timeOrigin: number;
  /** The resource's attributes (options/resource.ts), on every span and OTLP metrics push. */
  resource: ResourceAttributes;
  /** The price table of version 0 (the constructor's); later versions come as PricesMessage. */
  prices: PriceTableData;
  /** The refreshPrices option: fetch genai-prices' data (true: its own URL; a string: that URL) when first pricing. */
  refreshPrices: boolean | string;
  spanNames: 'seed' | 'genai';
  attributeKeys: string[];
  destinations: DestinationConfig[];
  maxStrings: number;
  maxExportBatchSize: number;
  /** Batches one worker may have in flight at once. */
  maxPendingBatches: number;
  exportTimeoutMillis: number;
  /** Niceness to give the worker thread (Linux); 0 leaves it alone. */
  workerNice: number;
  /** A customExporter lives on the main thread: batches are posted there (SpansMessage). */
  customExporter: boolean;
  /** Metrics aggregation and tail sampling (metrics-config.ts); undefined when both are off. */
  metrics: MetricsConfig | undefined;
  /** The disk spool (worker/spool/), when options.spoolDir is set. */
  spool: SpoolConfig | undefined;
  /** Content capture (captureContent): how to build the attributes, and the arena the blobs are in. */
  content: ContentConfig | undefined;
  arena: SharedArrayBuffer | undefined;
}

/** The spool directory's and its files' modes: the owner's alone (spans are the gateway's data). */
export const SPOOL_DIR_MODE = 0o700;
export const SPOOL_FILE_MODE = 0o600;

/** Where undeliverable OTLP requests wait for the collector; the main thread holds the directory's lock. */
export interface SpoolConfig {
  dir: string;
  maxBytes: number;
  /** This process's spool session (hex): segments of another session came from an earlier process. */
  session: string;
}

/** What the 'ready' task resolves to. */
export interface ReadyResult {
  /** The port the metrics host's /metrics server listens on (on that worker only). */
  prometheusPort?: number;
}

/** The one piscina task: resolves once the worker has loaded its destinations and taken a slot. */
export interface ReadyTask {
  type: 'ready';
}

export type ExportFailure = 'exportError' | 'exportTimeout';

/** An encoded ExportTraceServiceRequest that was not delivered, and the spans it holds. */
export interface UnsentRequest {
  body: Uint8Array;
  spans: number;
}

/**
 * How one destination's export of a batch ended. `ok`: nothing is left undelivered (spans the
 * collector refused, `rejected`, or that were too large alone, `tooLarge`, count failed either
 * way). Otherwise `undelivered` spans (default: the batch less those two) failed for `reason`;
 * `unsent` holds the requests among them worth trying later (retryable failures), which a
 * worker with a spool keeps on disk instead of failing them.
 */
export interface DestinationOutcome {
  ok: boolean;
  reason?: ExportFailure;
  message?: string;
  rejected?: number;
  tooLarge?: number;
  undelivered?: number;
  unsent?: UnsentRequest[];
  /** The collector's partial_success.error_message, when it refused spans. */
  note?: string;
}

/** main -> workers: records from index `from` on are priced with `table`. */
export interface PricesMessage {
  type: 'prices';
  version: number;
  /** Record index, `| 0`. */
  from: number;
  table: PriceTableData;
}

/** main -> the worker `thread`: the customExporter's outcome for its batch `batch`. */
export interface AckMessage {
  type: 'ack';
  thread: number;
  batch: number;
  outcome: DestinationOutcome;
}

/** main -> workers: a worker died; its spool segments are orphans to adopt (worker/spool/). */
export interface OrphansMessage {
  type: 'spool-orphans';
}

export type MainMessage = PricesMessage | AckMessage | MetricsMessage | OrphansMessage;

/** worker -> main: a batch for the customExporter. */
export interface SpansMessage {
  type: 'spans';
  thread: number;
  batch: number;
  spans: SpanData[];
}

/** worker -> main: the worker lacks price tables up to the latest version. */
export interface NeedPricesMessage {
  type: 'need-prices';
}

/** worker -> main: a line for the main thread's diag logger (the worker's diag is its own). */
export interface LogMessage {
  type: 'log';
  level: 'warn' | 'error';
  message: string;
}

export type WorkerMessage = SpansMessage | NeedPricesMessage | LogMessage;

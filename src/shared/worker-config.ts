// The plain data that configures a worker and the messages of one drain task. Pure types and
// constants; both threads. Only data crosses threads: exporters are described, never sent.

import type { PriceTableData } from '../pricing/model-pricing.js';
import type { SpanData } from '../spans/readable-span.js';

export type DestinationConfig =
  | { kind: 'console'; name: string }
  | { kind: 'discard'; name: string }
  | { kind: 'module'; name: string; module: string; exportName: string; options: unknown }
  | ({ kind: 'otlp-grpc' } & OtlpConfig)
  | ({ kind: 'otlp-http'; protocol: 'http/json' | 'http/protobuf' } & OtlpConfig);

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
  /**
   * Int32 words: one state per task slot (TASK_*), then one progress counter that workers
   * increment (and Atomics.notify) on every state change.
   */
  taskDone: SharedArrayBuffer;
  /** performance.timeOrigin of the main thread: record end times are relative to it. */
  timeOrigin: number;
  serviceName: string;
  /** The price table of version 0 (the constructor's); later versions travel with their tasks. */
  prices: PriceTableData;
  spanNames: 'seed' | 'genai';
  attributeKeys: string[];
  destinations: DestinationConfig[];
  exportTimeoutMillis: number;
  /** Niceness to give the worker thread (Linux); 0 leaves it alone. */
  workerNice: number;
  /** Send SpanData back in the task result, for a customExporter on the main thread. */
  returnSpans: boolean;
}

export interface DrainTask {
  start: number;
  end: number;
  /** Index in the taskDone array; -1 for the warm-up task each worker gets at start. */
  slot: number;
  /** The price table of these records when it is not version 0 (tracer.setPriceTable()). */
  prices?: { version: number; table: PriceTableData };
}

export type ExportFailure = 'exportError' | 'exportTimeout';

export interface DestinationOutcome {
  ok: boolean;
  reason?: ExportFailure;
  message?: string;
}

export interface DrainResult {
  /** One per configured destination, in config order. */
  outcomes: DestinationOutcome[];
  spans?: SpanData[];
  /** Calls of the batch whose model has no price, by model. */
  unpriced: Record<string, number>;
}

/** Task slot states in the taskDone array. */
export const TASK_RUNNING = 0;
/** The worker has copied its range: the range's ring slots may be overwritten. */
export const TASK_READ = 1;
/** The worker has finished the task: the task slot may be reused. */
export const TASK_FINISHED = 2;

/** Upper bound on batches in flight at once (size of the taskDone array). */
export const MAX_TASK_SLOTS = 1024;

// The piscina task: drains one range of the record ring. Worker thread only.
//   1. check the range was published, copy it out of the ring (build.ts), then tell the main
//      thread (taskDone: TASK_READ) that its slots may be overwritten: the rest of the task never
//      touches the ring;
//   2. send the batch to every destination of this worker, in parallel (each builds the form it
//      needs, once per batch: protobuf bytes for OTLP, ReadableSpans for SpanExporters);
//   3. mark the task slot TASK_FINISHED and return one outcome per destination, the unpriced
//      counts (and the SpanData when the main thread has a customExporter). Export failures are
//      data in the result; this task rejects only on a bug.

import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { workerData } from 'piscina';
import { emptyFields, encodeRecord } from '../shared/codec.js';
import { attachRing, createRing, isPublished, type RingViews } from '../shared/ring.js';
import { StringTableReader } from '../shared/strings.js';
import { TASK_FINISHED, TASK_READ, type DrainResult, type DrainTask, type WorkerConfig } from '../shared/worker-config.js';
import { takeRange } from './build.js';
import { Batch, createDestination, envHeaders, type Destination } from './destinations.js';
import { OtlpProtoEncoder } from './otlp-proto.js';
import { PriceResolver } from '../pricing/cost.js';
import type { RecordContext } from '../spans/record.js';

interface WorkerState {
  config: WorkerConfig;
  ring: RingViews;
  strings: StringTableReader;
  taskDone: Int32Array;
  resource: Resource;
  encoder: OtlpProtoEncoder;
  /** Record context of price-table version 0. */
  ctx: RecordContext;
  /** Resolvers of later price-table versions, newest last (a few are kept for batches in flight). */
  versions: { version: number; ctx: RecordContext }[];
  destinations: Destination[];
  /** Header values of the OTLP destinations: never allowed into a message. */
  secrets: string[];
}

function redact(message: string, secrets: string[]): string {
  let out = message;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

let state: Promise<WorkerState> | undefined;

/**
 * Lowers this thread's scheduling priority. Linux only: setpriority() on a thread id changes that
 * thread alone, and /proc/thread-self names it. Elsewhere (or without permission) nothing changes.
 */
function niceThisThread(nice: number): void {
  if (nice === 0) return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // Not Linux, or not allowed: the worker keeps the process's priority.
  }
}

async function init(config: WorkerConfig): Promise<WorkerState> {
  niceThisThread(config.workerNice);
  const strings = new StringTableReader(config.strings);
  return {
    config,
    ring: attachRing(config.ring),
    strings,
    encoder: new OtlpProtoEncoder({ 'service.name': config.serviceName }),
    ctx: {
      strings,
      prices: new PriceResolver(config.prices),
      timeOrigin: config.timeOrigin,
      spanNames: config.spanNames,
      attributeKeys: config.attributeKeys,
    },
    versions: [],
    taskDone: new Int32Array(config.taskDone),
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),

    destinations: await Promise.all(config.destinations.map((d) => createDestination(d, config.exportTimeoutMillis))),
    secrets: [
      ...config.destinations.flatMap((d) => ('headers' in d ? Object.values(d.headers) : [])),
      ...Object.values(envHeaders()),
    ].filter((v) => v.length > 0),
  };
}

/**
 * The warm-up task: besides loading the destinations (init), runs the span path over a synthetic
 * batch a few times, so the first real batches do not run unoptimised code while the ring fills.
 */
function warmUp(s: WorkerState): void {
  const ring = createRing(WARM_UP_SPANS);
  const r = emptyFields();
  for (let i = 0; i < WARM_UP_SPANS; i++) {
    r.latencyMs = i + 0.5;
    r.inputTokens = i;
    encodeRecord(ring, i, r);
  }
  for (let round = 0; round < 8; round++) {
    s.encoder.encode(takeRange(ring, 0, WARM_UP_SPANS, s.ctx));
  }
}
const WARM_UP_SPANS = 512;

export default async function drain(task: DrainTask): Promise<DrainResult> {
  state ??= init(workerData as WorkerConfig);
  const s = await state;
  const { start, end, slot } = task;
  if (slot < 0) {
    warmUp(s);
    return { outcomes: [], unpriced: {} };
  }
  if (!isPublished(s.ring, end)) throw new Error(`drain: range [${start}, ${end}) is not published`);
  const range = takeRange(s.ring, start, end, contextFor(s, task));
  // Releases the range's slots to the writer; after this store the ring is not read again.
  signal(s.taskDone, slot, TASK_READ);

  let outcomes: DrainResult['outcomes'] = [];
  if (s.destinations.length > 0) {
    const batch = new Batch(range, s.resource, s.encoder);
    outcomes = await Promise.all(s.destinations.map((d) => d.send(batch)));
    for (const o of outcomes) if (o.message !== undefined) o.message = redact(o.message, s.secrets);
  }
  // The task slot may be reused before this result reaches the main thread's event loop (a
  // writer blocked on a full ring looks for it).
  signal(s.taskDone, slot, TASK_FINISHED);
  return s.config.returnSpans ? { outcomes, spans: range.data, unpriced: range.unpriced } : { outcomes, unpriced: range.unpriced };
}

const KEPT_PRICE_VERSIONS = 4;

/** The record context of the task's price-table version. */
function contextFor(s: WorkerState, task: DrainTask): RecordContext {
  if (task.prices === undefined) return s.ctx;
  const { version, table } = task.prices;
  let v = s.versions.find((x) => x.version === version);
  if (v === undefined) {
    v = { version, ctx: { ...s.ctx, prices: new PriceResolver(table) } };
    s.versions.push(v);
    if (s.versions.length > KEPT_PRICE_VERSIONS) s.versions.shift();
  }
  return v.ctx;
}

/** Sets a task slot's state and wakes a main thread blocked on the progress word. */
function signal(taskDone: Int32Array, slot: number, state: number): void {
  Atomics.store(taskDone, slot, state);
  Atomics.add(taskDone, taskDone.length - 1, 1);
  Atomics.notify(taskDone, taskDone.length - 1);
}

// Builds the destinations a worker sends to, from plain DestinationConfig data. Worker only.
//
//   otlp-grpc, otlp-http             our encoder (otlp/request.ts) + transport (otlp/transport.ts):
//                                    one protobuf encoding per batch, shared by all of them
//                                    (http/json is made from it at each send: otlp/json.ts)
//   console, module, discard         SpanExporters fed the batch's ReadableSpans
//
// A Batch builds each form (ReadableSpans, protobuf bytes) at most once, and only if some
// destination needs it.

import type { ReadableSpan, Resource, SpanExporter } from '../spans/sdk-shapes.js';
import { OtlpGrpcSender, OtlpHttpSender, Reachability, type OtlpProtoEncoder, type OtlpSender } from './otlp/index.js';
import { exportSpans } from '../spans/export.js';
import { toReadableSpan } from '../spans/readable-span.js';
import type { TakenRange } from './build.js';
import type { DestinationConfig, DestinationOutcome, OtlpConfig } from '../shared/worker-config.js';

export class Batch {
  readonly #range: TakenRange;
  readonly #resource: Resource;
  readonly #encoder: OtlpProtoEncoder;
  #spans: ReadableSpan[] | undefined;
  #proto: Uint8Array | undefined;

  constructor(range: TakenRange, resource: Resource, encoder: OtlpProtoEncoder) {
    this.#range = range;
    this.#resource = resource;
    this.#encoder = encoder;
  }

  get readableSpans(): ReadableSpan[] {
    this.#spans ??= this.#range.data.map((d) => toReadableSpan(d, this.#resource));
    return this.#spans;
  }

  get protobuf(): Uint8Array {
    this.#proto ??= this.#encoder.encode(this.#range);
    return this.#proto;
  }

  get length(): number {
    return this.#range.length;
  }

  /** The encoded request, if one was made (to give its buffer back once every send has ended). */
  get encoded(): Uint8Array | undefined {
    return this.#proto;
  }
}

export interface Destination {
  send(batch: Batch): Promise<DestinationOutcome>;
  /** Sends an encoded request again (the spool's replay); only destinations that speak OTLP protobuf have it. */
  resend?(body: Uint8Array, spans: number, timeoutMillis: number, giveUp: () => boolean): Promise<DestinationOutcome>;
  /** Whether it is known down (OTLP destinations of a worker with a spool). */
  readonly reachability?: Reachability;
}

/**
 * With a disk spool: an OTLP destination known down (otlp/reachability.ts) sends nothing live;
 * its batches go to the spool at once while `spoolFirst()` (the spool can be written).
 */
export interface SpoolFirst {
  spoolFirst(): boolean;
  /** The destination `name` went down, or came back after `millis`. */
  changed(name: string, down: boolean, millis: number): void;
}

class ExporterDestination implements Destination {
  readonly #exporter: SpanExporter;
  readonly #timeoutMillis: number;

  constructor(exporter: SpanExporter, timeoutMillis: number) {
    this.#exporter = exporter;
    this.#timeoutMillis = timeoutMillis;
  }

  send(batch: Batch): Promise<DestinationOutcome> {
    return exportSpans(this.#exporter, batch.readableSpans, this.#timeoutMillis);
  }
}

class ProtoDestination implements Destination {
  readonly #sender: OtlpSender;
  readonly #name: string;
  readonly reachability: Reachability | undefined;
  /** Known down and the spool can take its batches: no live attempt. */
  readonly #bypass: () => boolean;

  constructor(sender: OtlpSender, name: string, reachability: Reachability | undefined, spool: SpoolFirst | undefined) {
    this.#sender = sender;
    this.#name = name;
    this.reachability = reachability;
    this.#bypass = reachability === undefined || spool === undefined ? () => false : () => reachability.down && spool.spoolFirst();
  }

  send(batch: Batch): Promise<DestinationOutcome> {
    if (this.#bypass()) {
      // Retryable, with the request kept (outcomes.ts hands it to the spool).
      const spans = batch.length;
      return Promise.resolve({
        ok: false, reason: 'exportError', message: `${this.#name} is down: kept in the spool without an attempt`,
        undelivered: spans, unsent: [{ body: batch.protobuf, spans }],
      });
    }
    // A batch already retrying gives up at its next retry once the destination is known down.
    return this.#sender.send(batch.protobuf, batch.length, undefined, this.#bypass);
  }

  resend(body: Uint8Array, spans: number, timeoutMillis: number, giveUp: () => boolean): Promise<DestinationOutcome> {
    return this.#sender.send(body, spans, timeoutMillis, giveUp);
  }
}

/** A destination that acknowledges every span at once; for benchmarks and dry runs. */
class DiscardingExporter implements SpanExporter {
  export(_spans: unknown, done: (r: { code: number }) => void): void {
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * `giveUp`: asked by the OTLP senders before each retry (otlp/retry.ts). `spool`: the worker has
 * a disk spool; its OTLP destinations then track whether they are down.
 */
export async function createDestination(
  config: DestinationConfig,
  timeoutMillis: number,
  giveUp: () => boolean = () => false,
  spool?: SpoolFirst,
): Promise<Destination> {
  const reachability = spool === undefined ? undefined : new Reachability((down, millis) => spool.changed(config.name, down, millis));
  switch (config.kind) {
    case 'console':
      // Loaded on demand, as every module only some destinations need: an OTLP-only worker
      // stays small (each module costs resident memory in every worker).
      return new ExporterDestination(new (await import('./console-exporter.js')).StdoutSpanExporter(), timeoutMillis);
    case 'discard':
      return new ExporterDestination(new DiscardingExporter(), timeoutMillis);
    case 'otlp-grpc':
      return new ProtoDestination(new OtlpGrpcSender({ ...senderConfig(config, giveUp), reachability }), config.name, reachability, spool);
    case 'otlp-http': {
      const encoding = config.protocol === 'http/json' ? 'json' : 'protobuf';
      return new ProtoDestination(new OtlpHttpSender({ ...senderConfig(config, giveUp), encoding, reachability }), config.name, reachability, spool);
    }
    case 'module': {
      const mod = (await import(config.module)) as Record<string, unknown>;
      const Ctor = mod[config.exportName];
      if (typeof Ctor !== 'function') {
        throw new TypeError(`workerExporters: module ${config.module} has no export named ${config.exportName}`);
      }
      return new ExporterDestination(new (Ctor as new (options: unknown) => SpanExporter)(config.options), timeoutMillis);
    }
  }
}

function senderConfig(config: OtlpConfig, giveUp: () => boolean) {
  return {
    giveUp,
    url: config.url,
    // Headers and compression come resolved from the main thread (options/env.ts): a worker
    // never reads its own environment.
    headers: config.headers,
    compression: config.compression ?? 'none',
    timeoutMillis: config.timeoutMillis,
    concurrency: config.concurrencyLimit,
  };
}

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
import { OtlpGrpcSender, OtlpHttpSender, type OtlpProtoEncoder, type OtlpSender } from './otlp/index.js';
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

  constructor(sender: OtlpSender) {
    this.#sender = sender;
  }

  send(batch: Batch): Promise<DestinationOutcome> {
    return this.#sender.send(batch.protobuf, batch.length);
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

/** `giveUp`: asked by the OTLP senders before each retry (otlp/retry.ts). */
export async function createDestination(config: DestinationConfig, timeoutMillis: number, giveUp: () => boolean = () => false): Promise<Destination> {
  switch (config.kind) {
    case 'console':
      // Loaded on demand, as every module only some destinations need: an OTLP-only worker
      // stays small (each module costs resident memory in every worker).
      return new ExporterDestination(new (await import('./console-exporter.js')).StdoutSpanExporter(), timeoutMillis);
    case 'discard':
      return new ExporterDestination(new DiscardingExporter(), timeoutMillis);
    case 'otlp-grpc':
      return new ProtoDestination(new OtlpGrpcSender(senderConfig(config, giveUp)));
    case 'otlp-http':
      return new ProtoDestination(new OtlpHttpSender({ ...senderConfig(config, giveUp), encoding: config.protocol === 'http/json' ? 'json' : 'protobuf' }));
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

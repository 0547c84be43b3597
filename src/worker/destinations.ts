// Builds the exporters a worker sends to, from plain DestinationConfig data. Worker only: this is
// where the OTel SDK's exporters (and later the optional OTLP packages) are loaded.

import { createRequire } from 'node:module';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { StdoutSpanExporter } from './console-exporter.js';
import type { DestinationConfig, OtlpConfig } from '../shared/worker-config.js';
import { RetryingExporter } from './retry.js';

/** A destination that acknowledges every span at once; for benchmarks and dry runs. */
class DiscardingExporter implements SpanExporter {
  export(_spans: unknown, done: (r: { code: number }) => void): void {
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export async function createExporter(config: DestinationConfig): Promise<SpanExporter> {
  switch (config.kind) {
    case 'console':
      return new StdoutSpanExporter();
    case 'discard':
      return new DiscardingExporter();
    case 'otlp-grpc':
      return createGrpcExporter(config);
    case 'otlp-http':
      return createHttpExporter(config);
    case 'module': {
      const mod = (await import(config.module)) as Record<string, unknown>;
      const Ctor = mod[config.exportName];
      if (typeof Ctor !== 'function') {
        throw new TypeError(`workerExporters: module ${config.module} has no export named ${config.exportName}`);
      }
      return new (Ctor as new (options: unknown) => SpanExporter)(config.options);
    }
  }
}

type ExporterCtor = new (config: Record<string, unknown>) => SpanExporter;

function common(config: OtlpConfig): Record<string, unknown> {
  const c: Record<string, unknown> = {
    url: config.url,
    timeoutMillis: config.timeoutMillis,
    concurrencyLimit: config.concurrencyLimit,
  };
  // Left unset, the exporters apply OTEL_EXPORTER_OTLP_*COMPRESSION themselves.
  if (config.compression !== undefined) c.compression = config.compression;
  return c;
}

async function createHttpExporter(config: OtlpConfig & { protocol: string }): Promise<SpanExporter> {
  const pkg = config.protocol === 'http/protobuf'
    ? '@opentelemetry/exporter-trace-otlp-proto'
    : '@opentelemetry/exporter-trace-otlp-http';
  const { OTLPTraceExporter } = (await import(pkg)) as { OTLPTraceExporter: ExporterCtor };
  return new OTLPTraceExporter({ ...common(config), headers: config.headers });
}

async function createGrpcExporter(config: OtlpConfig): Promise<SpanExporter> {
  const pkg = '@opentelemetry/exporter-trace-otlp-grpc';
  const { OTLPTraceExporter } = (await import(pkg)) as { OTLPTraceExporter: ExporterCtor };
  const c = common(config);
  if (Object.keys(config.headers).length > 0) {
    // Headers travel as gRPC metadata, built with the grpc-js copy the exporter itself uses.
    const requireFromExporter = createRequire(import.meta.resolve(pkg));
    const { Metadata } = requireFromExporter('@grpc/grpc-js') as { Metadata: new () => { set(k: string, v: string): void } };
    const metadata = new Metadata();
    for (const [k, v] of Object.entries(config.headers)) metadata.set(k, v);
    c.metadata = metadata;
  }
  return new RetryingExporter(new OTLPTraceExporter(c), config.timeoutMillis);
}

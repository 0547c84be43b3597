// Builds the exporters a worker sends to, from plain DestinationConfig data. Worker only: this is
// where the OTel SDK's exporters (and later the optional OTLP packages) are loaded.

import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { DestinationConfig } from '../shared/worker-config.js';

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
      return new ConsoleSpanExporter();
    case 'discard':
      return new DiscardingExporter();
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

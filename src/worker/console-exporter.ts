// The `console` destination. Worker only.
//
// The SDK's ConsoleSpanExporter calls console.dir, which in a worker thread is forwarded to the
// main thread's stdout asynchronously: the main thread pays for every line, and a process that
// exits right after the last export loses the lines still in transit. This exporter prints the
// same fields, formatted the same way, with one synchronous write to fd 1 per batch.

import { writeSync } from 'node:fs';
import { inspect } from 'node:util';
import type { HrTime } from '@opentelemetry/api';
import type { ExportResult, ReadableSpan, SpanExporter } from '../spans/sdk-shapes.js';

/** Microseconds (fractional), as the SDK's console exporter prints times. */
function microseconds(t: HrTime): number {
  return t[0] * 1e6 + t[1] / 1e3;
}

function describe(span: ReadableSpan): Record<string, unknown> {
  return {
    resource: { attributes: span.resource.attributes },
    instrumentationScope: span.instrumentationScope,
    traceId: span.spanContext().traceId,
    parentSpanContext: span.parentSpanContext,
    traceState: span.spanContext().traceState?.serialize(),
    name: span.name,
    id: span.spanContext().spanId,
    kind: span.kind,
    timestamp: microseconds(span.startTime),
    duration: microseconds(span.duration),
    attributes: span.attributes,
    status: span.status,
    events: span.events,
    links: span.links,
  };
}

function writeAll(fd: number, text: string): void {
  let buf = Buffer.from(text, 'utf8');
  while (buf.length > 0) {
    try {
      const n = writeSync(fd, buf);
      buf = buf.subarray(n);
    } catch (err) {
      // stdout may be a non-blocking pipe: wait for the reader instead of dropping lines.
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  }
}

export class StdoutSpanExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      writeAll(1, spans.map((s) => `${inspect(describe(s), { depth: 3 })}\n`).join(''));
      done({ code: 0 });
    } catch (error) {
      done({ code: 1, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

// Retries the OTLP/gRPC exporter. Worker only.
//
// The JS OTLP/HTTP exporter retries 429/502/503/504 itself, but the gRPC exporter of this
// release reports every gRPC error as a plain failure. The OTLP specification calls CANCELLED,
// DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS retryable, so a collector
// that restarts (UNAVAILABLE) would lose a batch. This wrapper retries those codes with
// exponential backoff and jitter, inside the export's time budget.

import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

const RETRYABLE_GRPC_CODES = new Set([1, 4, 10, 11, 14, 15]);
const FIRST_BACKOFF_MILLIS = 100;
const MAX_BACKOFF_MILLIS = 5_000;
const FAILED = 1;

export function isRetryableGrpcError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && RETRYABLE_GRPC_CODES.has(code);
}

export class RetryingExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #budgetMillis: number;

  constructor(inner: SpanExporter, budgetMillis: number) {
    this.#inner = inner;
    this.#budgetMillis = budgetMillis;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const deadline = Date.now() + this.#budgetMillis;
    let backoff = FIRST_BACKOFF_MILLIS;
    const attempt = (): void => {
      try {
        this.#inner.export(spans, (result) => {
          if (result.code !== FAILED || !isRetryableGrpcError(result.error)) {
            done(result);
            return;
          }
          const wait = Math.min(backoff * (0.8 + 0.4 * Math.random()), MAX_BACKOFF_MILLIS);
          backoff *= 2;
          if (Date.now() + wait >= deadline) done(result);
          else setTimeout(attempt, wait);
        });
      } catch (error) {
        done({ code: FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      }
    };
    attempt();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }
}

// Calls SpanExporter.export() and turns every way it can end into a DestinationOutcome: success,
// a failed result, a synchronous throw, or no answer within the timeout. Never rejects.
// Used by workers and by the main thread (customExporter).

import type { ReadableSpan, SpanExporter } from './sdk-shapes.js';
import type { DestinationOutcome } from '../shared/worker-config.js';

const OK: DestinationOutcome = Object.freeze({ ok: true });
/** ExportResultCode.SUCCESS of @opentelemetry/core. */
const SUCCESS = 0;

export function exportSpans(
  exporter: SpanExporter,
  spans: ReadableSpan[],
  timeoutMillis: number,
): Promise<DestinationOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: DestinationOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ ok: false, reason: 'exportTimeout', message: `export did not finish within ${timeoutMillis} ms` }),
      timeoutMillis,
    );
    try {
      exporter.export(spans, (result) => {
        finish(result.code === SUCCESS ? OK : { ok: false, reason: 'exportError', message: errorMessage(result.error) });
      });
    } catch (err) {
      finish({ ok: false, reason: 'exportError', message: errorMessage(err) });
    }
  });
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return err === undefined ? 'export failed' : String(err);
}

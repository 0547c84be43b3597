// stats() stays exact when the ring fills and when exporters fail, time out or throw.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { RactoTracer, type TracerStats } from '../pkg.js';

const call = { provider: 'openai', model: 'gpt-4o', latencyMs: 2 };

function expectSums(s: TracerStats): void {
  expect(s.recorded).toBe(s.exported + s.dropped + s.failed + s.pending);
  expect(s.pending).toBeGreaterThanOrEqual(0);
}

/** An exporter whose answers the test releases by hand. */
class GatedExporter implements SpanExporter {
  readonly waiting: ((r: ExportResult) => void)[] = [];
  received = 0;
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.received += spans.length;
    this.waiting.push(done);
  }
  release(code = ExportResultCode.SUCCESS): void {
    for (const done of this.waiting.splice(0)) done({ code });
  }
  async shutdown(): Promise<void> {}
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

describe('accounting', () => {
  it('returns false and counts each drop when the ring is full, and never loses the accepted ones', async () => {
    const exporter = new GatedExporter();
    const tracer = new RactoTracer({ customExporter: exporter, ringCapacity: 64, maxExportBatchSize: 16, maxPendingBatches: 2 });
    let accepted = 0;
    for (let i = 0; i < 500; i++) {
      if (tracer.recordChatSpan(call)) accepted++;
      expectSums(tracer.stats());
    }
    const s = tracer.stats();
    expect(accepted).toBeGreaterThanOrEqual(64);
    expect(accepted).toBeLessThan(500);
    expect(s.droppedByReason.ringFull).toBe(500 - accepted);
    expect(s.dropped).toBe(500 - accepted);
    expect(s.pending).toBe(accepted);
    // Let the exporter answer until everything accepted is through.
    const flushed = tracer.flush();
    await until(() => {
      exporter.release();
      return tracer.stats().pending === 0;
    });
    await flushed;
    expect(exporter.received).toBe(accepted);
    expect(tracer.stats()).toMatchObject({ recorded: 500, exported: accepted, dropped: 500 - accepted, failed: 0, pending: 0 });
    await tracer.shutdown();
  });

  it('counts the spans of a failed export as failed (exportError), per destination', async () => {
    const exporter = new GatedExporter();
    const tracer = new RactoTracer({ customExporter: exporter, inMemory: true, maxExportBatchSize: 10 });
    for (let i = 0; i < 30; i++) tracer.recordChatSpan(call);
    const flushed = tracer.flush();
    await until(() => exporter.received === 30);
    exporter.release(ExportResultCode.FAILED);
    await flushed;
    const s = tracer.stats();
    expect(s).toMatchObject({ recorded: 30, exported: 0, failed: 30, pending: 0 });
    expect(s.failedByReason.exportError).toBe(30);
    expect(s.destinations).toEqual({ customExporter: { exported: 0, failed: 30 }, inMemory: { exported: 30, failed: 0 } });
    await tracer.shutdown();
  });

  it('counts an exporter that throws as exportError and keeps working', async () => {
    let calls = 0;
    const exporter: SpanExporter = {
      export(_spans, done) {
        calls++;
        if (calls === 1) throw new Error('exporter bug');
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => {},
    };
    const tracer = new RactoTracer({ customExporter: exporter, scheduledDelayMillis: 3_600_000 });
    for (let i = 0; i < 5; i++) tracer.recordChatSpan(call);
    await tracer.flush();
    for (let i = 0; i < 7; i++) tracer.recordChatSpan(call);
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ recorded: 12, exported: 7, failed: 5, pending: 0, failedByReason: { exportError: 5 } });
    await tracer.shutdown();
  });

  it('counts an export that never answers as exportTimeout after exportTimeoutMillis', async () => {
    const exporter = new GatedExporter();
    const tracer = new RactoTracer({ customExporter: exporter, exportTimeoutMillis: 50 });
    for (let i = 0; i < 8; i++) tracer.recordChatSpan(call);
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ recorded: 8, exported: 0, failed: 8, pending: 0, failedByReason: { exportTimeout: 8 } });
    exporter.release(); // a late answer changes nothing
    await new Promise((r) => setTimeout(r, 10));
    expect(tracer.stats().failed).toBe(8);
    await tracer.shutdown();
  });

  it('bounds shutdown by shutdownTimeoutMillis and counts what it gave up on', async () => {
    const exporter = new GatedExporter();
    const tracer = new RactoTracer({ customExporter: exporter, shutdownTimeoutMillis: 100 });
    for (let i = 0; i < 20; i++) tracer.recordChatSpan(call);
    await tracer.shutdown();
    expect(tracer.stats()).toMatchObject({ recorded: 20, exported: 0, failed: 20, pending: 0, failedByReason: { shutdownTimeout: 20 } });
  });
});

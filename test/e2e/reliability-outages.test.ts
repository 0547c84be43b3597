// What happens when a part fails: a worker that dies mid-task, a collector that is down, comes
// back, restarts, flaps or is slow. Real workers, real OTLP/HTTP and OTLP/gRPC receivers on
// 127.0.0.1; every span exported once or counted.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { startGrpcReceiver, startHttpReceiver } from './receivers.js';
import { call, expectEachOnce, expectSums, freePort } from './reliability-helpers.js';

describe('worker failure', () => {
  it('replaces a worker that dies mid-task, counts its batch as failed, and keeps exporting', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'racto-crash-')), 'crashed');
    const module = fileURLToPath(new URL('../fixtures/crash-once-exporter.mjs', import.meta.url));
    const tracer = new RactoTracer({
      workerExporters: [{ module, exportName: 'CrashOnceExporter', options: { marker } }],
      maxExportBatchSize: 50, ringCapacity: 1024,
    });
    await tracer.ready();
    for (let i = 0; i < 200; i++) tracer.recordChatSpan(call(i));
    await tracer.flush();
    const first = tracer.stats();
    expect(first.failedByReason.workerCrash).toBeGreaterThanOrEqual(50);
    expect(first.failedByReason.workerCrash % 50).toBe(0);
    expect(first.exported + first.failedByReason.workerCrash).toBe(200);
    expect(first.pending).toBe(0);
    // The replacement worker exports the next calls.
    for (let i = 0; i < 300; i++) expect(tracer.recordChatSpan(call(i))).toBe(true);
    await tracer.flush();
    const s = tracer.stats();
    expect(s.exported - first.exported).toBe(300);
    expect(s).toMatchObject({ recorded: 500, pending: 0, dropped: 0 });
    expectSums(s);
    await tracer.shutdown();
  });
});

describe('collector down, back, flapping', () => {
  it('holds spans while the collector is down and delivers them all once it comes back', async () => {
    const port = await freePort();
    const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${port}`, maxExportBatchSize: 500, exportTimeoutMillis: 10_000 });
    await tracer.ready();
    for (let i = 0; i < 3_000; i++) tracer.recordChatSpan(call(i));
    // Let several connection attempts fail.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(tracer.stats()).toMatchObject({ exported: 0, failed: 0, pending: 3_000 });
    const receiver = await startHttpReceiver({ port });
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ recorded: 3_000, exported: 3_000, failed: 0, pending: 0 });
    expectEachOnce(receiver, Array.from({ length: 3_000 }, (_, i) => i));
    await tracer.shutdown();
    await receiver.close();
  });

  it('does the same over gRPC: reconnects once the collector listens, and after it restarts', async () => {
    const port = await freePort();
    const tracer = new RactoTracer({ otlpEndpoint: `127.0.0.1:${port}`, maxExportBatchSize: 500, exportTimeoutMillis: 10_000 });
    await tracer.ready();
    for (let i = 0; i < 2_000; i++) tracer.recordChatSpan(call(i));
    await new Promise((resolve) => setTimeout(resolve, 300));
    let receiver = await startGrpcReceiver({ port });
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ exported: 2_000, failed: 0, pending: 0 });
    expectEachOnce(receiver, Array.from({ length: 2_000 }, (_, i) => i));
    // The collector restarts: the old connection is gone, the next batch needs a new one.
    await receiver.close();
    receiver = await startGrpcReceiver({ port });
    for (let i = 2_000; i < 3_000; i++) tracer.recordChatSpan(call(i));
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ exported: 3_000, failed: 0, pending: 0 });
    expectEachOnce(receiver, Array.from({ length: 1_000 }, (_, i) => 2_000 + i));
    await tracer.shutdown();
    await receiver.close();
  });

  it('retries a collector that answers 503 on and off, delivering every span once', async () => {
    const receiver = await startHttpReceiver({ refuse: 5 });
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, maxExportBatchSize: 100 });
    for (let i = 0; i < 1_000; i++) tracer.recordChatSpan(call(i));
    await tracer.flush();
    expect(receiver.refused).toBe(5);
    expect(tracer.stats()).toMatchObject({ exported: 1_000, failed: 0, pending: 0 });
    expectEachOnce(receiver, Array.from({ length: 1_000 }, (_, i) => i));
    await tracer.shutdown();
    await receiver.close();
  });

  it('keeps the event loop turning while a slow collector takes its time, and delivers everything', async () => {
    const receiver = await startHttpReceiver({ delayMs: 300 });
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, maxExportBatchSize: 200 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const t0 = performance.now();
    for (let i = 0; i < 2_000; i++) tracer.recordChatSpan(call(i));
    await tracer.flush();
    clearInterval(ticker);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // The 5 ms ticker kept firing through the wait (a blocked loop would show ~0 ticks).
    expect(ticks).toBeGreaterThan(elapsed / 5 / 4);
    expect(tracer.stats()).toMatchObject({ exported: 2_000, failed: 0, pending: 0 });
    expectEachOnce(receiver, Array.from({ length: 2_000 }, (_, i) => i));
    await tracer.shutdown();
    await receiver.close();
  });

  it('keeps memory bounded and the event loop turning while a dead collector fails everything', async () => {
    const port = await freePort();
    const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${port}`, exportTimeoutMillis: 200, shutdownTimeoutMillis: 2_000 });
    await tracer.ready();
    const heapBefore = process.memoryUsage().heapUsed;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    // 200,000 calls over ~1 s in bursts: far more than the ring and the in-flight batches hold.
    for (let burst = 0; burst < 100; burst++) {
      for (let i = 0; i < 2_000; i++) tracer.recordChatSpan(call(i));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(50);
    const s = tracer.stats();
    expectSums(s);
    expect(s.recorded).toBe(200_000);
    expect(s.dropped + s.failed).toBeGreaterThan(0);
    expect(s.exported).toBe(0);
    // Bounded: the ring (8 MiB, preallocated) and at most maxPendingBatches copies in flight.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 2 ** 20);
    await tracer.shutdown();
    const end = tracer.stats();
    expect(end.pending).toBe(0);
    expect(end.exported).toBe(0);
    expect(end.dropped + end.failed).toBe(200_000);
  });
});

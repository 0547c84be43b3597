// What happens when things go wrong: a full ring under both policies, a worker that dies, a
// collector that is down, comes back or flaps, heavy load during flush(). Real workers, a real
// OTLP/HTTP receiver on 127.0.0.1; every span exported once or counted.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { RactoTracer, type TracerStats } from '../pkg.js';
import { startGrpcReceiver, startHttpReceiver, type Receiver } from './receivers.js';

const call = (i: number) => ({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, inputTokens: i });

function expectSums(s: TracerStats): void {
  expect(s.recorded).toBe(s.exported + s.dropped + s.failed + s.pending);
}

/** Each span the receiver got, by its input tokens (the call's index): every index exactly once. */
function expectEachOnce(receiver: Receiver, indices: number[]): void {
  const got = receiver.spans.map((s) => s.attributes['llm.input_tokens'] as number).sort((a, b) => a - b);
  expect(got).toEqual([...indices].sort((a, b) => a - b));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('full ring', () => {
  const N = 4_000;
  const small = { ringCapacity: 256, maxExportBatchSize: 64, maxPendingBatches: 4 };

  it("'drop' (default) refuses what does not fit during a synchronous burst, counts it, and never blocks", async () => {
    const receiver = await startHttpReceiver();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, ...small });
    await tracer.ready();
    let accepted = 0;
    for (let i = 0; i < N; i++) if (tracer.recordChatSpan(call(i))) accepted++;
    await tracer.flush();
    const s = tracer.stats();
    expect(s.droppedByReason.ringFull).toBe(N - accepted);
    expect(s.droppedByReason.ringFull).toBeGreaterThan(0);
    expect(s).toMatchObject({ recorded: N, exported: accepted, failed: 0, pending: 0 });
    expect(receiver.spans).toHaveLength(accepted);
    await tracer.shutdown();
    await receiver.close();
  });

  it("'block' waits for the workers instead, and loses nothing", async () => {
    // The destination must not need this thread while it blocks: a receiver on this test's own
    // event loop could not answer (a real collector lives in another process). So the spans go
    // to a file, written by an exporter inside the worker.
    const path = join(mkdtempSync(join(tmpdir(), 'racto-block-')), 'spans.jsonl');
    const module = fileURLToPath(new URL('../fixtures/file-exporter.mjs', import.meta.url));
    const tracer = new RactoTracer({ workerExporters: [{ module, exportName: 'FileExporter', options: { path } }], ...small, fullRingPolicy: 'block' });
    await tracer.ready();
    for (let i = 0; i < N; i++) expect(tracer.recordChatSpan(call(i))).toBe(true);
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ recorded: N, exported: N, dropped: 0, failed: 0, pending: 0 });
    const got = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l).attributes['llm.input_tokens'] as number);
    expect(got.sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    await tracer.shutdown();
  });

  it("'block' gives up after fullRingBlockMillis when nothing can move (collector down), and counts the drop", async () => {
    const port = await freePort();
    const tracer = new RactoTracer({
      otlpHttpEndpoint: `http://127.0.0.1:${port}`, ...small, maxPendingBatches: 1,
      fullRingPolicy: 'block', fullRingBlockMillis: 50, exportTimeoutMillis: 2_000, shutdownTimeoutMillis: 500,
    });
    await tracer.ready();
    // One task in flight (retrying against a closed port), 256 records waiting: the next blocks.
    for (let i = 0; i < 64 + 256; i++) tracer.recordChatSpan(call(i));
    const t0 = performance.now();
    const accepted = tracer.recordChatSpan(call(999));
    const waited = performance.now() - t0;
    expect(accepted).toBe(false);
    expect(waited).toBeGreaterThanOrEqual(45);
    expect(tracer.stats().droppedByReason.ringFull).toBeGreaterThanOrEqual(1);
    await tracer.shutdown();
    const s = tracer.stats();
    expectSums(s);
    expect(s.pending).toBe(0);
  });
});

describe('drop reporting', () => {
  it('warns through diag once per burst of drops, never once per call', async () => {
    const warnings: string[] = [];
    diag.setLogger({ error: () => {}, warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
    try {
      const port = await freePort();
      // A 64-record ring, one task slot, a collector that is down: the ring fills at once.
      const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${port}`, ringCapacity: 64, maxExportBatchSize: 64, maxPendingBatches: 1, exportTimeoutMillis: 200, shutdownTimeoutMillis: 1_000 });
      // A burst is a run of refused calls between accepted ones; count them from the results.
      let bursts = 0;
      let refusing = false;
      const record = (n: number): void => {
        for (let i = 0; i < n; i++) {
          const ok = tracer.recordChatSpan(call(i));
          if (!ok && !refusing) bursts++;
          refusing = !ok;
        }
      };
      record(700);
      // The failed batch frees its task slot after ~200 ms; then room comes back and a new burst can start.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await tracer.flush();
      record(700);
      const s = tracer.stats();
      await tracer.shutdown();
      const ringFullWarnings = warnings.filter((w) => w.includes('ring full'));
      expect(bursts).toBeGreaterThanOrEqual(2);
      expect(ringFullWarnings).toHaveLength(bursts);
      expect(s.droppedByReason.ringFull).toBeGreaterThan(10 * bursts);
    } finally {
      diag.disable();
    }
  });
});

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

describe('flush under load', () => {
  it('resolves while calls keep coming, covering everything recorded before it', async () => {
    const receiver = await startHttpReceiver();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url });
    let stop = false;
    let n = 0;
    const load = (async () => {
      while (!stop) {
        for (let i = 0; i < 1_000; i++) tracer.recordChatSpan(call(n++));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = tracer.stats().recorded;
    await tracer.flush();
    // Everything recorded before flush() is settled: exported, or dropped when the load
    // outran the ring (it may: 1,000 calls per turn of the loop).
    const s = tracer.stats();
    expect(s.exported + s.dropped + s.failed).toBeGreaterThanOrEqual(before);
    expect(s.failed).toBe(0);
    stop = true;
    await load;
    await tracer.shutdown();
    const end = tracer.stats();
    expect(end).toMatchObject({ recorded: n, failed: 0, pending: 0 });
    expect(end.exported).toBe(n - end.dropped);
    expect(receiver.spans).toHaveLength(end.exported);
    await receiver.close();
  });
});

describe('cardinality', () => {
  it('keeps one million distinct model names bounded: the overflow folds into one value, counted', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'racto-tally-')), 'tally.json');
    const module = fileURLToPath(new URL('../fixtures/tally-exporter.mjs', import.meta.url));
    const maxStrings = 1_024;
    // 'block': the test records far faster than one worker exports; no call may be dropped here.
    const tracer = new RactoTracer({ workerExporters: [{ module, exportName: 'TallyExporter', options: { path } }], maxStrings, fullRingPolicy: 'block' });
    await tracer.ready();
    const heapBefore = process.memoryUsage().heapUsed;
    const N = 1_000_000;
    for (let i = 0; i < N; i += 10_000) {
      for (let j = i; j < i + 10_000; j++) tracer.recordChatSpan({ provider: 'openai', model: `model-${j}`, latencyMs: 1 });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await tracer.flush();
    const s = tracer.stats();
    expect(s).toMatchObject({ recorded: N, exported: N, dropped: 0, failed: 0, pending: 0 });
    // Ids 0 ('') and 1 ('__overflow__') are taken, and 'openai' took one more.
    const named = maxStrings - 3;
    expect(s.stringsFolded).toBe(N - named);
    const tally = JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>;
    expect(tally.__overflow__).toBe(N - named);
    expect(Object.keys(tally)).toHaveLength(named + 1);
    expect(Object.entries(tally).filter(([m]) => m !== '__overflow__').every(([, n]) => n === 1)).toBe(true);
    // The tracer kept only its fixed-size tables: the million strings the test made are garbage.
    global.gc?.();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 2 ** 20);
    await tracer.shutdown();
  });
});

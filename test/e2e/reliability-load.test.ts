// What happens when calls come faster than the workers take them: a full ring under both
// policies, the drop warnings, heavy load during flush(), a million distinct model names. Real
// workers, a real OTLP/HTTP receiver on 127.0.0.1; every span exported once or counted.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { startHttpReceiver } from './receivers.js';
import { call, expectSums, freePort } from './reliability-helpers.js';

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

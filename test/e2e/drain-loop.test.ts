// The drain loops and the shared counters, with real workers: several loops claiming the same
// ring, a worker dying with batches in flight, flush() racing the loops, and a tracer that goes
// quiet (no thread of ours may wake up while nothing is recorded).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { RactoTracer, type TracerStats } from '../pkg.js';
import { startHttpReceiver } from './receivers.js';

const call = (i: number) => ({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, inputTokens: i });
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectSums(s: TracerStats): void {
  expect(s.recorded).toBe(s.exported + s.dropped + s.failed + s.pending);
  expect(s.pending).toBeGreaterThanOrEqual(0);
}

/**
 * The spans a FileExporter wrote: input tokens and the thread that exported each. Complete lines
 * only: another worker may be appending while the file is read.
 */
function written(path: string): { tokens: number; threadId: number }[] {
  const text = readFileSync(path, 'utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as { attributes: Record<string, number>; threadId: number })
    .map((l) => ({ tokens: l.attributes['llm.input_tokens'], threadId: l.threadId }));
}

describe('several drain loops on one ring', () => {
  it('keeps the books exact at every moment while four workers claim concurrently, and exports each span once', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'racto-loops-')), 'spans.jsonl');
    const tracer = new RactoTracer({
      workerExporters: [{ module: fixture('file-exporter.mjs'), exportName: 'FileExporter', options: { path } }],
      workers: 4, maxExportBatchSize: 32, ringCapacity: 4096, maxPendingBatches: 2,
    });
    await tracer.ready();
    const accepted: number[] = [];
    for (let burst = 0; burst < 80; burst++) {
      for (let i = burst * 500; i < (burst + 1) * 500; i++) {
        if (tracer.recordChatSpan(call(i))) accepted.push(i);
        if (i % 50 === 0) expectSums(tracer.stats());
      }
      await new Promise((resolve) => setImmediate(resolve));
      expectSums(tracer.stats());
    }
    await tracer.flush();
    const s = tracer.stats();
    expect(s).toMatchObject({ recorded: 40_000, exported: accepted.length, failed: 0, pending: 0 });
    expect(s.dropped).toBe(40_000 - accepted.length);
    const got = written(path);
    expect(got.map((g) => g.tokens).sort((a, b) => a - b)).toEqual(accepted);
    // The claims spread over the loops: more than one thread exported.
    expect(new Set(got.map((g) => g.threadId)).size).toBeGreaterThan(1);
    await tracer.shutdown();
  });
});

describe('a worker that dies holding batches', () => {
  it('counts exactly what it held as workerCrash, and the replacement exports the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racto-crash-later-'));
    const path = join(dir, 'tokens.txt');
    const tracer = new RactoTracer({
      workerExporters: [{
        module: fixture('crash-later-exporter.mjs'), exportName: 'CrashLaterExporter',
        options: { marker: join(dir, 'crashed'), path, crashAt: 3, delayMs: 30 },
      }],
      workers: 2, maxExportBatchSize: 50, maxPendingBatches: 4,
    });
    await tracer.ready();
    for (let i = 0; i < 1_000; i++) expect(tracer.recordChatSpan(call(i))).toBe(true);
    await tracer.flush();
    const s = tracer.stats();
    expectSums(s);
    expect(s.pending).toBe(0);
    // It died on its third export with its first two held: at least three batches of 50.
    expect(s.failedByReason.workerCrash).toBeGreaterThanOrEqual(150);
    expect(s.failedByReason.workerCrash % 50).toBe(0);
    expect(s.exported + s.failedByReason.workerCrash).toBe(1_000);
    const tokens = readFileSync(path, 'utf8').trim().split('\n').map(Number);
    // Every acknowledged span is in the file once; none of the crashed ones is.
    expect(tokens).toHaveLength(s.exported);
    expect(new Set(tokens).size).toBe(s.exported);
    expect(s.destinations['workerExporters[0]']).toEqual({ exported: s.exported, failed: s.failedByReason.workerCrash });
    // The next calls go through the replacement.
    for (let i = 1_000; i < 1_200; i++) tracer.recordChatSpan(call(i));
    await tracer.flush();
    expect(tracer.stats().exported - s.exported).toBe(200);
    await tracer.shutdown();
  });
});

describe('price tables and a replacement worker', () => {
  it('gives a worker started after setPriceTable() the tables it missed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racto-prices-'));
    const path = join(dir, 'costs.txt');
    const tracer = new RactoTracer({
      workerExporters: [{ module: fixture('crash-first-cost-exporter.mjs'), exportName: 'CrashFirstCostExporter', options: { marker: join(dir, 'crashed'), path } }],
    });
    await tracer.ready();
    tracer.setPriceTable({ 'gpt-4o': { inputPerMillion: 7, outputPerMillion: 7 } });
    // Its export ends the worker: the replacement starts after the table was broadcast.
    tracer.recordChatSpan({ ...call(1_000_000), model: 'gpt-4o' });
    await tracer.flush();
    expect(tracer.stats().failedByReason.workerCrash).toBe(1);
    tracer.recordChatSpan({ ...call(2_000_000), model: 'gpt-4o' });
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ recorded: 2, exported: 1, failed: 1, pending: 0 });
    expect(readFileSync(path, 'utf8').trim().split('\n')).toEqual(['2000000 14']);
    await tracer.shutdown();
  });
});

describe('flush() racing the drain loops', () => {
  it('resolves each of several overlapping flushes only once everything recorded before it is exported', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'racto-flush-')), 'spans.jsonl');
    const tracer = new RactoTracer({
      workerExporters: [{ module: fixture('file-exporter.mjs'), exportName: 'FileExporter', options: { path } }],
      workers: 2, maxExportBatchSize: 100, ringCapacity: 65_536,
    });
    await tracer.ready();
    let n = 0;
    const checks: Promise<void>[] = [];
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 300; i++) expect(tracer.recordChatSpan(call(n++))).toBe(true);
      const before = n;
      checks.push(tracer.flush().then(() => {
        // Exported means written to the file by the worker's exporter.
        const tokens = new Set(written(path).map((g) => g.tokens));
        for (let i = 0; i < before; i++) expect(tokens.has(i)).toBe(true);
        expect(tracer.stats().exported).toBeGreaterThanOrEqual(before);
      }));
      if (round % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(checks);
    expect(tracer.stats()).toMatchObject({ recorded: n, exported: n, dropped: 0, failed: 0, pending: 0 });
    await tracer.shutdown();
  });
});

describe('idle', () => {
  it('never wakes the clock thread (started parked) or a loop for a tracer that records nothing', async () => {
    const receiver = await startHttpReceiver();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url });
    await tracer.ready();
    const start = tracer.stats().wakeups;
    await sleep(400);
    expect(tracer.stats().wakeups).toEqual(start);
    expect(start.clock).toBe(0);
    await tracer.shutdown();
    await receiver.close();
  });

  it('parks every thread after a burst, then records a call after the quiet spell at the right time', async () => {
    const receiver = await startHttpReceiver();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url });
    await tracer.ready();
    // A burst far above the clock's threshold (several full batches at once) starts the ticker.
    for (let i = 0; i < 20_000; i++) tracer.recordChatSpan(call(i));
    await tracer.flush();
    // The ticker is a thread started on demand: give it the time to boot (bounded).
    for (let i = 0; i < 100 && tracer.stats().wakeups.clock === 0; i++) await sleep(20);
    expect(tracer.stats().wakeups.clock).toBeGreaterThan(0);
    // Quiet: the ticker parks once the write index stops moving, the loops once the ring is drained.
    await sleep(500);
    const quiet = tracer.stats().wakeups;
    await sleep(600);
    expect(tracer.stats().wakeups).toEqual(quiet);
    const before = performance.timeOrigin + performance.now();
    tracer.recordChatSpan({ ...call(-1), inputTokens: 123_456, latencyMs: 42 });
    const after = performance.timeOrigin + performance.now();
    await tracer.flush();
    const span = receiver.spans.find((s) => s.attributes['llm.input_tokens'] === 123_456);
    expect(span).toBeDefined();
    const endMs = Number(span?.endNs) / 1e6;
    // Within the clock's resolution (1 ms) of the moment of the call.
    expect(endMs).toBeGreaterThanOrEqual(before - 1);
    expect(endMs).toBeLessThanOrEqual(after + 1);
    expect(Number((span?.endNs ?? 0n) - (span?.startNs ?? 0n)) / 1e6).toBeCloseTo(42, 3);
    expect(tracer.stats()).toMatchObject({ recorded: 20_001, exported: 20_001, pending: 0 });
    await tracer.shutdown();
    await receiver.close();
  });

  it('lets a process that records once and never calls shutdown() exit, after exporting the call', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [fixture('no-shutdown.mjs'), '1'], { timeout: 20_000 });
    expect(stdout.match(/name: 'llm\.chat'/g)).toHaveLength(1);
  });
});

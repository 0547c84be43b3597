// The disk spool (options.spoolDir): real workers, real OTLP/HTTP receivers on 127.0.0.1, real
// segment files in a temporary directory, a real child process killed with SIGKILL.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RactoTracer, type TracerStats } from '../pkg.js';
import { startHttpReceiver, type Receiver } from './receivers.js';

const call = (i: number) => ({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, inputTokens: i });
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'racto-spool-'));
const segments = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();

function expectBooks(s: TracerStats): void {
  expect(s.recorded).toBe(s.exported + s.dropped + s.failed + s.pending);
  expect(s.spooled).toBeLessThanOrEqual(s.pending);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `done` every 20 ms, checking the books each time, for at most `ms`. */
async function until(tracer: RactoTracer, done: (s: TracerStats) => boolean, ms = 30_000): Promise<TracerStats> {
  const deadline = performance.now() + ms;
  for (;;) {
    const s = tracer.stats();
    expectBooks(s);
    if (done(s) || performance.now() > deadline) return s;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Each span the receiver got, by its input tokens (the call's index). */
const indices = (receiver: Receiver): number[] => receiver.spans.map((s) => s.attributes['llm.input_tokens'] as number).sort((a, b) => a - b);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('disk spool', () => {
  it('keeps 200,000 calls while the collector is down past the export timeout, then delivers each exactly once', async () => {
    const dir = tempDir();
    const port = await freePort();
    const n = 200_000;
    const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${port}`, spoolDir: dir, exportTimeoutMillis: 150, ringCapacity: 262_144 });
    await tracer.ready();
    for (let burst = 0; burst < 100; burst++) {
      for (let i = 0; i < 2_000; i++) expect(tracer.recordChatSpan(call(burst * 2_000 + i))).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Settled: every batch waited out its retry budget and went to disk.
    await tracer.flush();
    const down = tracer.stats();
    expectBooks(down);
    expect(down).toMatchObject({ recorded: n, exported: 0, failed: 0, spooled: n, pending: n });
    expect(down.spool.bytes).toBeGreaterThan(0);
    expect(segments(dir).length).toBeGreaterThan(0);

    const receiver = await startHttpReceiver({ port });
    const end = await until(tracer, (s) => s.exported === n && s.spool.bytes === 0, 100_000);
    expect(end).toMatchObject({ recorded: n, exported: n, failed: 0, spooled: 0, pending: 0, replayed: 0 });
    const ids = new Set(receiver.spans.map((s) => s.spanId));
    expect(receiver.spans.length).toBe(n);
    expect(ids.size).toBe(n);
    expect(indices(receiver)).toEqual(range(0, n));
    await tracer.shutdown();
    expect(tracer.stats().spool.bytes).toBe(0);
    expect(segments(dir)).toEqual([]);
    await receiver.close();
  }, 180_000);

  it('delivers, after a SIGKILL, what the killed process had spooled, counted apart as replayed', async () => {
    const dir = tempDir();
    const downPort = await freePort();
    const n = 5_000;
    const child = spawn(process.execPath, [fixture('spool-child.mjs'), dir, String(downPort), String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    expect(line.toString()).toContain(`spooled ${n} pending ${n} failed 0`);
    // While it lives, the directory is its.
    expect(() => new RactoTracer({ otlpHttpEndpoint: 'http://127.0.0.1:1', spoolDir: dir })).toThrow(
      expect.objectContaining({ code: 'RACTO_ERR_SPOOL_LOCKED', message: expect.stringContaining(`process ${child.pid}`) }),
    );
    child.kill('SIGKILL');
    await once(child, 'exit');

    const receiver = await startHttpReceiver();
    // Two workers race to adopt the segments (by rename): each is replayed by one of them, once.
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, spoolDir: dir, exportTimeoutMillis: 2_000, workers: 2 });
    const s = await until(tracer, (x) => x.replayed === n && x.spool.bytes === 0);
    // Recorded by the other process: outside this one's books.
    expect(s).toMatchObject({ recorded: 0, exported: 0, failed: 0, pending: 0, spooled: 0, replayed: n });
    expect(s.spool).toEqual({ bytes: 0, replayFailed: 0, corruptRecords: 0 });
    expect(indices(receiver)).toEqual(range(0, n));
    await tracer.shutdown();
    expect(segments(dir)).toEqual([]);
    await receiver.close();
  }, 60_000);

  it('leaves what it could not deliver on disk at shutdown, still spooled, and says so in stats()', async () => {
    const dir = tempDir();
    const port = await freePort();
    const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${port}`, spoolDir: dir, exportTimeoutMillis: 60_000, shutdownTimeoutMillis: 20_000 });
    for (let i = 0; i < 3_000; i++) tracer.recordChatSpan(call(i));
    const t0 = performance.now();
    await tracer.shutdown();
    // Not the 60 s retry budget: with a spool, shutdown keeps what the collector does not take.
    expect(performance.now() - t0).toBeLessThan(15_000);
    const s = tracer.stats();
    expectBooks(s);
    expect(s).toMatchObject({ recorded: 3_000, exported: 0, failed: 0, spooled: 3_000, pending: 3_000 });
    expect(segments(dir).length).toBeGreaterThan(0);
    // The next tracer on this directory (the lock is free again) sends them.
    const receiver = await startHttpReceiver({ port });
    const next = new RactoTracer({ otlpHttpEndpoint: receiver.url, spoolDir: dir, metrics: true });
    await until(next, (x) => x.replayed === 3_000 && x.spool.bytes === 0);
    expect(indices(receiver)).toEqual(range(0, 3_000));
    // The health metrics say it too.
    const text = await next.metricsText();
    expect(text).toContain('ractogateway_spans_replayed_total 3000\n');
    expect(text).toContain('ractogateway_spans_spooled 0\n');
    await next.shutdown();
    await receiver.close();
  }, 60_000);

  it('skips a segment truncated mid-record and a record with a flipped byte, counts them, and delivers the rest', async () => {
    const dir = tempDir();
    const port = await freePort();
    // 100-span records of ~30 KB, segments of 64 KiB: several segments of a few records each.
    const first = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${port}`, spoolDir: dir, spoolMaxBytes: 1 << 20, exportTimeoutMillis: 100, maxExportBatchSize: 100 });
    for (let i = 0; i < 1_000; i++) first.recordChatSpan(call(i));
    await first.shutdown();
    expect(first.stats().spooled).toBe(1_000);
    const files = segments(dir);
    expect(files.length).toBeGreaterThanOrEqual(2);
    const heads = (file: string) => recordHeads(readFileSync(join(dir, file)));
    // A byte of the first record's payload in the oldest segment flipped.
    const a = join(dir, files[0]);
    const bytesA = readFileSync(a);
    const [ra] = heads(files[0]);
    bytesA[ra.payloadAt + 10] ^= 0xff;
    writeFileSync(a, bytesA);
    // The newest segment cut in the middle of its last record.
    const last = heads(files.at(-1) as string).at(-1) as RecordHead;
    truncateSync(join(dir, files.at(-1) as string), last.payloadAt + Math.floor(last.length / 2));

    const receiver = await startHttpReceiver({ port });
    const next = new RactoTracer({ otlpHttpEndpoint: receiver.url, spoolDir: dir });
    const damaged = ra.spans + last.spans;
    const s = await until(next, (x) => x.replayed + x.spool.replayFailed === 1_000 && x.spool.bytes === 0);
    expect(s.replayed).toBe(1_000 - damaged);
    expect(s.spool).toMatchObject({ replayFailed: damaged, corruptRecords: 2, bytes: 0 });
    expect(receiver.spans.length).toBe(1_000 - damaged);
    expect(new Set(receiver.spans.map((x) => x.spanId)).size).toBe(1_000 - damaged);
    await next.shutdown();
    await receiver.close();
  }, 60_000);

  it('drops the oldest segment past spoolMaxBytes and counts its spans failed (spoolFull)', async () => {
    const dir = tempDir();
    const port = await freePort();
    const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${port}`, spoolDir: dir, spoolMaxBytes: 65_536 * 2, exportTimeoutMillis: 100, maxExportBatchSize: 100, maxPendingBatches: 1 });
    for (let i = 0; i < 2_000; i++) tracer.recordChatSpan(call(i));
    await tracer.flush();
    const s = tracer.stats();
    expectBooks(s);
    expect(s.failedByReason.spoolFull).toBeGreaterThan(0);
    expect(s.spooled + s.failedByReason.spoolFull).toBe(2_000);
    expect(s.spool.bytes).toBeLessThanOrEqual(65_536 * 2);
    const receiver = await startHttpReceiver({ port });
    const end = await until(tracer, (x) => x.spooled === 0 && x.spool.bytes === 0);
    expect(end).toMatchObject({ exported: s.spooled, failed: s.failedByReason.spoolFull, pending: 0 });
    // The oldest went: the first batch is gone, the newest arrived.
    const got = indices(receiver);
    expect(got.length).toBe(s.spooled);
    expect(got).not.toContain(0);
    expect(got).toContain(1_999);
    await tracer.shutdown();
    await receiver.close();
  }, 60_000);

  it('counts a worker crash once: the dead worker\'s spooled spans are adopted and delivered, its in-flight batch is workerCrash', async () => {
    const dir = tempDir();
    const port = await freePort();
    const marker = join(tempDir(), 'crashed');
    // The marker is there: the exporter acknowledges; removed, its next export ends the worker.
    writeFileSync(marker, 'not yet');
    const module = fixture('crash-once-exporter.mjs');
    const tracer = new RactoTracer({
      otlpHttpEndpoint: `http://127.0.0.1:${port}`,
      workerExporters: [{ module, exportName: 'CrashOnceExporter', options: { marker } }],
      spoolDir: dir, exportTimeoutMillis: 150, maxExportBatchSize: 100,
    });
    await tracer.ready();
    for (let i = 0; i < 500; i++) tracer.recordChatSpan(call(i));
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ spooled: 500, pending: 500, failed: 0 });
    unlinkSync(marker);
    for (let i = 500; i < 600; i++) tracer.recordChatSpan(call(i));
    const crashed = await until(tracer, (x) => x.failedByReason.workerCrash > 0 && x.pending === x.spooled);
    expect(crashed.failedByReason.workerCrash).toBe(100);
    const receiver = await startHttpReceiver({ port });
    const s = await until(tracer, (x) => x.spooled === 0 && x.spool.bytes === 0);
    expect(s).toMatchObject({ recorded: 600, exported: 500, failed: 100, pending: 0, replayed: 0, failedByReason: { workerCrash: 100 } });
    expect(indices(receiver)).toEqual(range(0, 500));
    await tracer.shutdown();
    await receiver.close();
  }, 60_000);

  it('resumes a replay after its worker died mid-way from the first record not yet delivered: every span delivered, none counted twice', async () => {
    const dir = tempDir();
    const port = await freePort();
    const marker = join(tempDir(), 'crashed');
    writeFileSync(marker, 'not yet');
    const tracer = new RactoTracer({
      otlpHttpEndpoint: `http://127.0.0.1:${port}`,
      workerExporters: [{ module: fixture('crash-once-exporter.mjs'), exportName: 'CrashOnceExporter', options: { marker } }],
      spoolDir: dir, exportTimeoutMillis: 150, maxExportBatchSize: 10, workers: 1,
    });
    await tracer.ready();
    const n = 500;
    for (let i = 0; i < n; i++) tracer.recordChatSpan(call(i));
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ spooled: n, pending: n, failed: 0 });
    // Replay runs at 20 requests of 10 spans a second: the worker dies part way through it.
    const receiver = await startHttpReceiver({ port });
    const midway = await until(tracer, () => receiver.spans.length >= 100);
    expect(midway.spooled).toBeGreaterThan(0);
    unlinkSync(marker);
    tracer.recordChatSpan(call(n));
    const s = await until(tracer, (x) => x.failedByReason.workerCrash > 0 && x.spooled === 0 && x.spool.bytes === 0);
    expect(s).toMatchObject({ recorded: n + 1, exported: n, failed: 1, pending: 0, spooled: 0, replayed: 0, failedByReason: { workerCrash: 1 } });
    const got = indices(receiver).filter((i) => i < n);
    expect(new Set(got)).toEqual(new Set(range(0, n)));
    // Sent again: at most the one request that was in flight when the worker died.
    expect(got.length - n).toBeLessThanOrEqual(10);
    await tracer.shutdown();
    expect(segments(dir)).toEqual([]);
    await receiver.close();
  }, 60_000);

  it('does not send again, in the next process, what a replay delivered before its shutdown', async () => {
    const dir = tempDir();
    const port = await freePort();
    const first = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${port}`, spoolDir: dir, exportTimeoutMillis: 100, maxExportBatchSize: 10 });
    for (let i = 0; i < 1_000; i++) first.recordChatSpan(call(i));
    await first.shutdown();
    expect(first.stats().spooled).toBe(1_000);
    const receiver = await startHttpReceiver({ port });
    const second = new RactoTracer({ otlpHttpEndpoint: receiver.url, spoolDir: dir });
    const part = await until(second, (x) => x.replayed >= 200);
    expect(part.replayed).toBeLessThan(1_000);
    await second.shutdown();
    const delivered = second.stats().replayed;
    expect(receiver.spans.length).toBe(delivered);
    const third = new RactoTracer({ otlpHttpEndpoint: receiver.url, spoolDir: dir });
    const end = await until(third, (x) => x.spool.bytes === 0 && receiver.spans.length >= 1_000);
    expect(end.replayed).toBe(1_000 - delivered);
    expect(indices(receiver)).toEqual(range(0, 1_000));
    await third.shutdown();
    expect(segments(dir)).toEqual([]);
    await receiver.close();
  }, 60_000);

  it('refuses a second tracer on a spool directory in use, with an error naming the directory', async () => {
    const dir = tempDir();
    const tracer = new RactoTracer({ otlpHttpEndpoint: 'http://127.0.0.1:1', spoolDir: dir });
    expect(() => new RactoTracer({ otlpHttpEndpoint: 'http://127.0.0.1:1', spoolDir: dir })).toThrow(
      expect.objectContaining({ code: 'RACTO_ERR_SPOOL_LOCKED', message: expect.stringContaining(dir) }),
    );
    await tracer.shutdown();
    // Released at shutdown.
    const again = new RactoTracer({ otlpHttpEndpoint: 'http://127.0.0.1:1', spoolDir: dir });
    await again.shutdown();
  });
});

interface RecordHead {
  payloadAt: number;
  length: number;
  spans: number;
}

/** The record heads of a segment, read by the format documented in src/worker/spool/format.ts. */
function recordHeads(b: Buffer): RecordHead[] {
  const nameLen = b.readUInt16LE(6);
  const out: RecordHead[] = [];
  for (let at = 16 + nameLen + 4; at + 24 <= b.length;) {
    const length = b.readUInt32LE(at + 4);
    out.push({ payloadAt: at + 24, length, spans: b.readUInt32LE(at + 8) });
    at += 24 + length;
  }
  return out;
}

// What collectors answer besides a plain success, against real receivers on 127.0.0.1: partial
// success (HTTP protobuf and gRPC), requests over the receiver's size limit (HTTP 413, gRPC
// RESOURCE_EXHAUSTED), connections reset on every attempt, and a collector that never answers.
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { RactoTracer, type TracerStats } from '../pkg.js';
import { startGrpcReceiver, startHttpReceiver, type Receiver } from './receivers.js';

const call = (i: number) => ({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, inputTokens: i });

function expectBooks(s: TracerStats): void {
  expect(s.recorded).toBe(s.exported + s.dropped + s.failed + s.pending);
}

/** diag lines at warn and above, while `fn` runs. */
async function logged(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const capture = (...args: unknown[]): void => void lines.push(args.map(String).join(' '));
  diag.setLogger({ error: capture, warn: capture, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.WARN);
  try {
    await fn();
  } finally {
    diag.disable();
  }
  return lines;
}

const endpoints = {
  HTTP: (r: Receiver) => ({ otlpHttpEndpoint: r.url }),
  gRPC: (r: Receiver) => ({ otlpEndpoint: r.url }),
};

afterEach(() => diag.disable());

describe.each([
  ['HTTP', startHttpReceiver],
  ['gRPC', startGrpcReceiver],
] as const)('OTLP/%s answers', (name, start) => {
  it('counts the spans a partial success rejects as failed (rejected) and logs the message once per burst', async () => {
    const receiver = await start({ partial: { rejected: 5, message: 'quota exceeded for tenant' } });
    let stats: TracerStats | undefined;
    const lines = await logged(async () => {
      const tracer = new RactoTracer({ ...endpoints[name](receiver), maxExportBatchSize: 100 });
      for (let i = 0; i < 1_000; i++) tracer.recordChatSpan(call(i));
      await tracer.shutdown();
      stats = tracer.stats();
    });
    const s = stats as TracerStats;
    expectBooks(s);
    expect(s).toMatchObject({ recorded: 1_000, exported: 950, failed: 50, pending: 0, failedByReason: { rejected: 50 } });
    expect(s.destinations[name === 'HTTP' ? 'otlpHttp' : 'otlpGrpc']).toEqual({ exported: 950, failed: 50 });
    expect(receiver.spans.length).toBe(950);
    const said = lines.filter((l) => l.includes('quota exceeded for tenant'));
    expect(said).toHaveLength(1);
    await receiver.close();
  });

  it('splits a request over the receiver\'s 64 KiB limit into halves until each fits, delivering every span once', async () => {
    const receiver = await start({ maxRequestBytes: 64 * 1024 });
    const tracer = new RactoTracer({ ...endpoints[name](receiver), maxExportBatchSize: 2048 });
    for (let i = 0; i < 4_096; i++) tracer.recordChatSpan(call(i));
    await tracer.shutdown();
    const s = tracer.stats();
    expectBooks(s);
    expect(s).toMatchObject({ recorded: 4_096, exported: 4_096, failed: 0, pending: 0 });
    // Two batches, each sent as many pieces of at most 64 KiB.
    expect(receiver.requests).toBeGreaterThan(8);
    const got = receiver.spans.map((x) => x.attributes['llm.input_tokens'] as number).sort((a, b) => a - b);
    expect(got).toEqual(Array.from({ length: 4_096 }, (_, i) => i));
    await receiver.close();
  });

  it('fails a span too large alone as tooLarge, after splitting down to it', async () => {
    // Smaller than any one span: every request is refused down to single spans.
    const receiver = await start({ maxRequestBytes: 64 });
    const tracer = new RactoTracer({ ...endpoints[name](receiver), maxExportBatchSize: 8 });
    for (let i = 0; i < 16; i++) tracer.recordChatSpan(call(i));
    await tracer.shutdown();
    const s = tracer.stats();
    expectBooks(s);
    expect(s).toMatchObject({ recorded: 16, exported: 0, failed: 16, pending: 0, failedByReason: { tooLarge: 16 } });
    expect(receiver.spans).toHaveLength(0);
    await receiver.close();
  });
});

describe('split requests', () => {
  it('gives the halves of a split request what is left of the one export budget, not a fresh one each', async () => {
    // Each answer 200 ms late, 413 past 64 KiB: a 2,048-span batch needs ~30 answers in turn (~6 s).
    const receiver = await startHttpReceiver({ maxRequestBytes: 64 * 1024, delayMs: 200 });
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, maxExportBatchSize: 2048, exportTimeoutMillis: 1_500 });
    for (let i = 0; i < 2_048; i++) tracer.recordChatSpan(call(i));
    await tracer.flush();
    const s = tracer.stats();
    expectBooks(s);
    expect(s.pending).toBe(0);
    // The pieces reached after the budget ran out count failed, not sent late.
    expect(s.failedByReason.exportTimeout).toBeGreaterThan(0);
    expect(s.exported + s.failedByReason.exportTimeout).toBe(2_048);
    expect(receiver.spans.length).toBe(s.exported);
    await tracer.shutdown();
    await receiver.close();
  }, 30_000);
});

describe('connection failures', () => {
  it('counts a connection reset on every attempt as exportError with the cause, not exportTimeout', async () => {
    const receiver = await startHttpReceiver({ reset: true });
    let stats: TracerStats | undefined;
    const lines = await logged(async () => {
      const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, exportTimeoutMillis: 600 });
      for (let i = 0; i < 50; i++) tracer.recordChatSpan(call(i));
      await tracer.shutdown();
      stats = tracer.stats();
    });
    expect(receiver.requests).toBeGreaterThan(1);
    expect(stats).toMatchObject({ recorded: 50, failed: 50, failedByReason: { exportError: 50, exportTimeout: 0 } });
    expect(lines.some((l) => /socket hang up|ECONNRESET/.test(l))).toBe(true);
    await receiver.close();
  });

  it('counts a request the collector accepted and never answered as exportTimeout', async () => {
    const receiver = await startHttpReceiver({ delayMs: 5_000 });
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, exportTimeoutMillis: 400 });
    for (let i = 0; i < 50; i++) tracer.recordChatSpan(call(i));
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ recorded: 50, failed: 50, failedByReason: { exportTimeout: 50, exportError: 0 } });
    await tracer.shutdown();
    await receiver.close();
  });
});

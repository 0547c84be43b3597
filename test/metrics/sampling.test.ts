// Tail sampling in the workers, and metrics that stay exact under load, sampling, export failure
// and cardinality floods. Real workers, a real receiver (or a closed port) on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startHttpReceiver } from '../e2e/receivers.js';
import { RactoTracer } from '../pkg.js';
import { readExposition } from './prom.js';

/** A port nothing listens on: a collector that is down. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function requestsByStatus(tracer: RactoTracer): Promise<{ ok: number; error: number }> {
  const { samples } = readExposition(await tracer.metricsText());
  const out = { ok: 0, error: 0 };
  for (const s of samples) if (s.name === 'ractogateway_requests_total') out[s.labels.status as 'ok' | 'error'] += s.value;
  return out;
}

describe('tail sampling', () => {
  it('keeps every error and every slow call, and leaves out the rest at ratio 0', async () => {
    const receiver = await startHttpReceiver();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, sampling: { ratio: 0, keepSlowerThanMs: 500 }, metrics: true });
    let kept = 0;
    for (let i = 0; i < 2000; i++) {
      const error = i % 13 === 0;
      const slow = i % 7 === 0;
      if (error || slow) kept++;
      tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: slow ? 500.5 : 499, status: error ? 'error' : 'ok', errorType: error ? 'RateLimitError' : undefined });
    }
    await tracer.flush();
    expect(receiver.spans).toHaveLength(kept);
    for (const s of receiver.spans) expect(s.attributes['llm.error_type'] === 'RateLimitError' || s.attributes['llm.latency_ms'] === 500.5).toBe(true);
    const st = tracer.stats();
    expect(st.droppedByReason.sampled).toBe(2000 - kept);
    expect(st.exported).toBe(kept);
    expect(st.recorded).toBe(st.exported + st.dropped + st.failed + st.pending);
    // The metrics still count every call.
    expect(await requestsByStatus(tracer)).toEqual({ ok: 2000 - Math.ceil(2000 / 13), error: Math.ceil(2000 / 13) });
    await tracer.shutdown();
    await receiver.close();
  });

  it('at ratio 1 keeps everything, and keepErrors: false lets errors be sampled like the rest', async () => {
    const receiver = await startHttpReceiver();
    const all = new RactoTracer({ otlpHttpEndpoint: receiver.url, sampling: { ratio: 1 } });
    for (let i = 0; i < 500; i++) all.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1 });
    await all.shutdown();
    expect(receiver.spans).toHaveLength(500);
    expect(all.stats().droppedByReason.sampled).toBe(0);

    const none = new RactoTracer({ otlpHttpEndpoint: receiver.url, sampling: { ratio: 0, keepErrors: false } });
    for (let i = 0; i < 500; i++) none.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, status: 'error' });
    await none.shutdown();
    expect(receiver.spans).toHaveLength(500);
    // After shutdown too: sampled out, not failed, and the books balance.
    expect(none.stats()).toMatchObject({ recorded: 500, exported: 0, dropped: 500, failed: 0, pending: 0, droppedByReason: { sampled: 500 } });
    await receiver.close();
  });

  it('counts unpriced calls whether their spans were sampled out or not', async () => {
    const receiver = await startHttpReceiver();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, sampling: { ratio: 0 } });
    for (let i = 0; i < 100; i++) tracer.recordChatSpan({ provider: 'acme', model: 'house-model-7', latencyMs: 1, status: i < 10 ? 'error' : 'ok' });
    await tracer.shutdown();
    expect(receiver.spans).toHaveLength(10);
    expect(tracer.stats().unpricedCalls).toEqual({ 'house-model-7': 100 });
    await receiver.close();
  });

  it('decides by trace: the spans of one trace are all kept or all left out, near the ratio', async () => {
    const receiver = await startHttpReceiver();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, sampling: { ratio: 0.5 } });
    const traces = 400;
    for (let t = 0; t < traces; t++) {
      const traceId = randomBytes(16).toString('hex');
      for (let k = 0; k < 5; k++) {
        tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, parent: { traceId, spanId: `${(k + 1).toString(16).padStart(16, '0')}`, traceFlags: 1 } });
      }
    }
    await tracer.shutdown();
    const perTrace = new Map<string, number>();
    for (const s of receiver.spans) perTrace.set(s.traceId, (perTrace.get(s.traceId) ?? 0) + 1);
    for (const n of perTrace.values()) expect(n).toBe(5);
    // Keyed on the trace id's last 32 bits (random here): about half the traces.
    expect(perTrace.size).toBeGreaterThan(traces * 0.3);
    expect(perTrace.size).toBeLessThan(traces * 0.7);
    expect(tracer.stats().droppedByReason.sampled).toBe((traces - perTrace.size) * 5);
    await receiver.close();
  });
});

describe('metrics stay exact', () => {
  it('1,000,000 calls, sampling 0.01, the collector down: every call in the metrics, no error sampled out', async () => {
    const port = await closedPort();
    const tracer = new RactoTracer({
      otlpHttpEndpoint: `http://127.0.0.1:${port}`, exportTimeoutMillis: 20, metrics: true, sampling: { ratio: 0.01 },
      ringCapacity: 1 << 20, fullRingPolicy: 'block', maxPendingBatches: 64, shutdownTimeoutMillis: 60_000,
    });
    const n = 1_000_000;
    let errors = 0;
    for (let i = 0; i < n; i++) {
      const error = i % 50 === 0;
      if (error) errors++;
      tracer.recordChatSpan({ provider: 'openai', model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini', latencyMs: 100, inputTokens: 10, outputTokens: 5, status: error ? 'error' : 'ok' });
    }
    await tracer.flush();
    const st = tracer.stats();
    expect(st.recorded).toBe(n);
    expect(st.pending).toBe(0);
    expect(st.exported).toBe(0);
    expect(st.dropped).toBe(st.droppedByReason.sampled);
    expect(st.droppedByReason.sampled + st.failed).toBe(n);
    // Every error reached the exporter (and failed there); about 1% of the rest did.
    const keptOk = st.failed - errors;
    expect(keptOk).toBeGreaterThan((n - errors) * 0.008);
    expect(keptOk).toBeLessThan((n - errors) * 0.012);
    expect(await requestsByStatus(tracer)).toEqual({ ok: n - errors, error: errors });
    const { samples } = readExposition(await tracer.metricsText());
    const failed = samples.filter((s) => s.name === 'ractogateway_spans_failed_total').reduce((a, s) => a + s.value, 0);
    expect(failed).toBe(st.failed);
    await tracer.shutdown();
  });

  it('100,000 distinct models and tenants: the series stay bounded, the overflow counted', async () => {
    const maxMetricSeries = 500;
    const tracer = new RactoTracer({
      metrics: true, attributeKeys: ['tenant'], metricAttributes: ['tenant'], maxMetricSeries, maxStrings: 262_144, ringCapacity: 1 << 17, fullRingPolicy: 'block',
    });
    const n = 100_000;
    for (let i = 0; i < n; i++) tracer.recordChatSpan({ provider: 'openai', model: `model-${i}`, latencyMs: 1, attributes: { tenant: `tenant-${i}` } });
    await tracer.flush();
    const { samples } = readExposition(await tracer.metricsText());
    const requests = samples.filter((s) => s.name === 'ractogateway_requests_total');
    const named = requests.filter((s) => s.labels.model !== '__other__');
    const other = requests.filter((s) => s.labels.model === '__other__');
    expect(named.length).toBeLessThanOrEqual(maxMetricSeries);
    expect(other).toHaveLength(1);
    expect(other[0].labels).toMatchObject({ provider: '__other__', tenant: '__other__', operation: 'chat', status: 'ok' });
    const overflow = samples.find((s) => s.name === 'ractogateway_metric_series_overflow_total');
    expect(overflow?.value).toBe(other[0].value);
    expect(named.reduce((a, s) => a + s.value, 0) + other[0].value).toBe(n);
    expect(samples.length).toBeLessThan(maxMetricSeries * 80);
    await tracer.shutdown();
  });
});

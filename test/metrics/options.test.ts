// The metrics and sampling options: clear errors for bad values, and what happens when the
// /metrics port cannot be had or metrics are off.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { expectThrows } from '../helpers.js';
import { RactoError, RactoTracer } from '../pkg.js';

const CODE = 'RACTO_ERR_INVALID_OPTION';
/** A socket directory too long for sun_path once the socket's name is added. */
const LONG_DIR = `/${'a'.repeat(100)}`;

describe('metrics options', () => {
  it.each([
    [{ prometheusPort: -1 }, RangeError, 'options.prometheusPort must be an integer between 0 and 65535 (received -1)'],
    [{ prometheusPort: '9464' }, TypeError, 'options.prometheusPort must be a number (received "9464")'],
    [{ prometheusPort: 0, prometheusHost: '' }, TypeError, 'options.prometheusHost must be a non-empty string (received "")'],
    [{ otlpMetricsEndpoint: 'ftp://collector:4318' }, TypeError, 'options.otlpMetricsEndpoint must be an http:// or https:// URL (received "ftp://collector:4318")'],
    [{ otlpMetricsEndpoint: 'not a url' }, TypeError, 'options.otlpMetricsEndpoint must be a valid URL (received "not a url")'],
    [{ metricsExportIntervalMillis: 5 }, RangeError, 'options.metricsExportIntervalMillis must be an integer between 10 and 86400000 (received 5)'],
    [{ metricAttributes: ['tenant'] }, RangeError, 'options.metricAttributes[0] must be one of attributeKeys (none given) (received "tenant")'],
    [{ attributeKeys: ['tenant'], metricAttributes: ['route'] }, RangeError, "options.metricAttributes[0] must be one of attributeKeys ('tenant') (received \"route\")"],
    [{ attributeKeys: ['tenant'], metricAttributes: 'tenant' }, TypeError, 'options.metricAttributes must be an array of names from attributeKeys (received "tenant")'],
    [{ maxMetricSeries: 0 }, RangeError, 'options.maxMetricSeries must be an integer between 1 and 1000000 (received 0)'],
    [{ metrics: 'yes' }, TypeError, 'options.metrics must be a boolean (received "yes")'],
    [{ prometheusPort: 9464, metricsSocketDir: 'run/racto' }, RangeError, 'options.metricsSocketDir must be an absolute directory path (received "run/racto")'],
    [{ prometheusPort: 9464, metricsSocketDir: 7 }, TypeError, 'options.metricsSocketDir must be an absolute directory path, or false (received 7)'],
    [{ prometheusPort: 9464, metricsSocketDir: LONG_DIR }, RangeError,
      `options.metricsSocketDir must be a directory short enough for a Unix socket path (${LONG_DIR}/ractogateway-metrics-9464.sock is 132 bytes, at most 103) (received "${LONG_DIR.slice(0, 40)}…" (101 chars))`],
    [{ serviceInstanceId: '' }, RangeError, 'options.serviceInstanceId must be a string of 1 to 256 characters (received "")'],
    [{ serviceInstanceId: 42 }, TypeError, 'options.serviceInstanceId must be a string (received 42)'],
    [{ sampling: 0.1 }, TypeError, 'options.sampling must be an object like { ratio: 0.1 } (received 0.1)'],
    [{ sampling: {} }, TypeError, 'options.sampling.ratio must be a number between 0 and 1 (received undefined)'],
    [{ sampling: { ratio: 1.5 } }, RangeError, 'options.sampling.ratio must be a number between 0 and 1 (received 1.5)'],
    [{ sampling: { ratio: Number.NaN } }, RangeError, 'options.sampling.ratio must be a number between 0 and 1 (received NaN)'],
    [{ sampling: { ratio: 0.1, keepErrors: 1 } }, TypeError, 'options.sampling.keepErrors must be a boolean (received 1)'],
    [{ sampling: { ratio: 0.1, keepSlowerThanMs: -5 } }, RangeError, 'options.sampling.keepSlowerThanMs must be a finite number >= 0 (received -5)'],
    [{ sampling: { ratio: 0.1, keep: true } }, TypeError, "options.sampling.keep must be one of 'ratio', 'keepErrors', 'keepSlowerThanMs' (received true)"],
  ])('%j is refused', (options, Type, message) => {
    expectThrows(() => new RactoTracer(options as never), Type, message, CODE);
  });

  it('metricsText() rejects with RACTO_ERR_METRICS_OFF when metrics are off', async () => {
    const tracer = new RactoTracer({ inMemory: true });
    const err = await tracer.metricsText().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RactoError);
    expect((err as RactoError).code).toBe('RACTO_ERR_METRICS_OFF');
    expect(tracer.prometheusPort).toBeUndefined();
  });

  it('metricsText() after shutdown() rejects at once, saying why', async () => {
    const tracer = new RactoTracer({ metrics: true });
    await tracer.shutdown();
    const t0 = performance.now();
    const err = await tracer.metricsText().then(() => undefined, (e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect((err as RactoError).message).toBe('metrics are gone: the tracer is shut down (its workers hold them)');
  });

  it('a /metrics port already in use makes ready() false, and spans and metricsText() still work', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const tracer = new RactoTracer({ inMemory: true, prometheusPort: port });
    expect(await tracer.ready()).toBe(false);
    expect(tracer.prometheusPort).toBeUndefined();
    tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 5 });
    await tracer.flush();
    expect(tracer.spans).toHaveLength(1);
    expect(await tracer.metricsText()).toContain('ractogateway_requests_total{provider="openai",model="gpt-4o",operation="chat",status="ok"} 1');
    await tracer.shutdown();
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  });

  it('a metrics-only tracer (no span destination) aggregates every call and counts its spans exported', async () => {
    const tracer = new RactoTracer({ metrics: true });
    expect(tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 5 })).toBe(true);
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ recorded: 1, exported: 1, pending: 0, destinations: {} });
    expect(await tracer.metricsText()).toContain('ractogateway_requests_total{provider="openai",model="gpt-4o",operation="chat",status="ok"} 1');
    await tracer.shutdown();
  });
});

describe('metrics host', () => {
  it('a host worker that dies is replaced: /metrics answers again, on the new port', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const marker = join(mkdtempSync(join(tmpdir(), 'racto-host-')), 'crashed');
    const module = fileURLToPath(new URL('../fixtures/crash-once-exporter.mjs', import.meta.url));
    const tracer = new RactoTracer({ workerExporters: [{ module, exportName: 'CrashOnceExporter', options: { marker } }], prometheusPort: 0, maxExportBatchSize: 10 });
    await tracer.ready();
    const before = tracer.prometheusPort;
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 5 });
    await tracer.flush();
    expect(tracer.stats().failedByReason.workerCrash).toBe(10);
    // The replacement worker hosts the metrics; its counts start from zero (a counter reset).
    const deadline = Date.now() + 10_000;
    while ((tracer.prometheusPort === undefined || tracer.prometheusPort === before) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 3; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 5 });
    await tracer.flush();
    const res = await fetch(`http://127.0.0.1:${tracer.prometheusPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('ractogateway_requests_total{provider="openai",model="gpt-4o",operation="chat",status="ok"} 3');
    await tracer.shutdown();
  });
});

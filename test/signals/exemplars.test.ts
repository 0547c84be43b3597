// Issue 32, exemplars: /metrics in OpenMetrics 1.0 when asked (content negotiation), with
// {trace_id, span_id} on the duration histograms' buckets and the cost counter, only from spans
// that tail sampling kept and the collector took; OTLP metrics carry them too. Real workers, a
// real OTLP/HTTP span receiver, an OTLP metrics receiver decoding with protobufjs from the
// specification's proto.
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { startHttpReceiver, type Receiver } from '../e2e/receivers.js';
import { refusedUrl } from '../instrument/fakes/server.js';

const root = protobuf.loadSync(fileURLToPath(new URL('../fixtures/otlp/metrics.proto', import.meta.url)));
const Request = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
const OPENMETRICS = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

interface Found { line: string; traceId: string; spanId: string; value: number }
const EXEMPLAR = / # \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\} (\S+) (\S+)$/;
function exemplarsOf(text: string): Found[] {
  return text.split('\n').flatMap((line) => {
    const m = EXEMPLAR.exec(line);
    return m === null ? [] : [{ line, traceId: m[1], spanId: m[2], value: Number(m[3]) }];
  });
}

let receiver: Receiver;
let metricsServer: Server;
const pushes: any[] = [];
let tracer: RactoTracer;
let openText = '';
let openType = '';
let plainText = '';
let sampledOut = 0;

beforeAll(async () => {
  receiver = await startHttpReceiver();
  metricsServer = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      pushes.push(Request.toObject(Request.decode(Buffer.concat(parts)), { longs: String, bytes: String }));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => metricsServer.listen(0, '127.0.0.1', resolve));
  const metricsUrl = `http://127.0.0.1:${(metricsServer.address() as { port: number }).port}`;
  tracer = new RactoTracer({
    otlpHttpEndpoint: receiver.url, prometheusPort: 0, otlpMetricsEndpoint: metricsUrl, metricsExportIntervalMillis: 100,
    workers: 2, maxExportBatchSize: 16, sampling: { ratio: 0.3 },
  });
  expect(await tracer.ready()).toBe(true);
  for (let i = 0; i < 120; i++) {
    tracer.recordChatSpan({ provider: 'openai', model: i % 2 === 0 ? 'gpt-4o' : 'gpt-4o-mini', latencyMs: 20 + ((i * 37) % 3000), inputTokens: 100 + i, outputTokens: 10 });
  }
  await tracer.flush();
  const port = tracer.prometheusPort;
  const r = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { accept: OPENMETRICS } });
  openType = r.headers.get('content-type') ?? '';
  openText = await r.text();
  plainText = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  sampledOut = tracer.stats().droppedByReason.sampled;
  // A push after the flush carries the exemplars of every exported batch.
  const seen = pushes.length;
  const deadline = Date.now() + 5_000;
  while (pushes.length < seen + 2 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  await tracer.shutdown();
}, 30_000);

afterAll(async () => {
  await receiver.close();
  await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
});

describe('exemplars', () => {
  it('answers OpenMetrics 1.0, ending in # EOF, when the scraper asks; the 0.0.4 text otherwise, without exemplars', () => {
    expect(openType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(openText.endsWith('# EOF\n')).toBe(true);
    expect(openText).toMatch(/^# TYPE ractogateway_requests counter$/m);
    expect(openText).toMatch(/^ractogateway_requests_total\{/m);
    expect(plainText).not.toContain('# EOF');
    expect(plainText).not.toContain('trace_id');
  });

  it('puts exemplars on the duration buckets and the cost counter, each of a span the receiver got', () => {
    expect(sampledOut).toBeGreaterThan(0);
    const received = new Map(receiver.spans.map((s) => [s.traceId, s]));
    const found = exemplarsOf(openText);
    const kinds = new Set(found.map((e) => e.line.split('{')[0]));
    expect([...kinds].sort()).toEqual(['gen_ai_client_operation_duration_seconds_bucket', 'ractogateway_cost_usd_total', 'ractogateway_request_duration_seconds_bucket']);
    for (const e of found) {
      const span = received.get(e.traceId);
      expect(span, e.line).toBeDefined();
      expect(span?.spanId).toBe(e.spanId);
      if (e.line.includes('_bucket')) {
        // The exemplar's value is the span's latency, and lies in its bucket.
        expect(e.value).toBeCloseTo((span?.attributes['llm.latency_ms'] as number) / 1000, 6);
        const le = /le="([^"]+)"/.exec(e.line)?.[1] as string;
        expect(e.value).toBeLessThanOrEqual(le === '+Inf' ? Infinity : Number(le));
      } else {
        expect(e.value).toBeCloseTo(span?.attributes['llm.cost_usd'] as number, 8);
      }
    }
    // At most one per bucket: no sample line carries two.
    expect(found.every((e) => e.line.split(' # ').length === 2)).toBe(true);
  });

  it('sends OTLP metric exemplars whose trace ids are spans the receiver got', () => {
    const received = new Set(receiver.spans.map((s) => s.traceId));
    const metrics = pushes.at(-1).resourceMetrics[0].scopeMetrics[0].metrics as any[];
    const duration = metrics.find((m) => m.name === 'gen_ai.client.operation.duration');
    const exemplars = duration.histogram.dataPoints.flatMap((p: any) => p.exemplars ?? []);
    expect(exemplars.length).toBeGreaterThan(0);
    for (const e of exemplars) expect(received.has(Buffer.from(e.traceId, 'base64').toString('hex'))).toBe(true);
    const cost = metrics.find((m) => m.name === 'ractogateway.cost_usd');
    expect(cost.sum.dataPoints.some((p: any) => (p.exemplars ?? []).length === 1)).toBe(true);
  });

  it('gives no exemplar from a batch the collector did not take', async () => {
    const down = new RactoTracer({ otlpHttpEndpoint: await refusedUrl(), prometheusPort: 0, exportTimeoutMillis: 500 });
    expect(await down.ready()).toBe(true);
    for (let i = 0; i < 10; i++) down.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 100, inputTokens: 10 });
    await down.flush();
    const text = await (await fetch(`http://127.0.0.1:${down.prometheusPort}/metrics`, { headers: { accept: OPENMETRICS } })).text();
    await down.shutdown();
    expect(text).toMatch(/^ractogateway_requests_total\{.*\} 10$/m);
    expect(exemplarsOf(text)).toEqual([]);
  });
});

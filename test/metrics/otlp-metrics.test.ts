// OTLP metrics received by a real OTLP/HTTP receiver (node:http) and decoded with protobufjs from
// test/fixtures/otlp/metrics.proto (written from the specification, not from our encoder).
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { hostname } from 'node:os';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';

const root = protobuf.loadSync(fileURLToPath(new URL('../fixtures/otlp/metrics.proto', import.meta.url)));
const Request = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');

const GENAI_SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const GENAI_TOKENS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const CUMULATIVE = 2;

type Attrs = Record<string, string>;
interface Point { attributes: Attrs; start: bigint; time: bigint; value?: number; count?: number; sum?: number; buckets?: number[]; bounds?: number[] }
interface Metric { name: string; unit: string; description: string; kind: 'sum' | 'gauge' | 'histogram'; temporality?: number; monotonic?: boolean; points: Point[] }
interface Push { path: string; contentType: string; resource: Attrs; scope: string; metrics: Map<string, Metric> }

const big = (v: unknown): bigint => BigInt(String(v));
const num = (v: unknown): number => Number(String(v));

function attrs(list: { key: string; value: { stringValue?: string; intValue?: number | { toString(): string } } }[] | undefined): Attrs {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, kv.value.stringValue ?? (kv.value.intValue === undefined ? '' : String(kv.value.intValue))]));
}

function decode(path: string, contentType: string, body: Buffer): Push {
  const req = Request.toObject(Request.decode(body), { longs: String, defaults: false }) as any;
  expect(req.resourceMetrics).toHaveLength(1);
  const rm = req.resourceMetrics[0];
  const sm = rm.scopeMetrics[0];
  const metrics = new Map<string, Metric>();
  for (const m of sm.metrics) {
    const kind = m.histogram ? 'histogram' : m.sum ? 'sum' : 'gauge';
    const data = m.histogram ?? m.sum ?? m.gauge;
    metrics.set(m.name, {
      name: m.name, unit: m.unit, description: m.description, kind, temporality: data.aggregationTemporality, monotonic: data.isMonotonic,
      points: data.dataPoints.map((p: any) => ({
        attributes: attrs(p.attributes), start: big(p.startTimeUnixNano), time: big(p.timeUnixNano),
        value: p.asDouble, count: p.count === undefined ? undefined : num(p.count), sum: p.sum,
        buckets: p.bucketCounts?.map(num), bounds: p.explicitBounds,
      })),
    });
  }
  return { path, contentType, resource: attrs(rm.resource.attributes), scope: sm.scope.name, metrics };
}

const calls = [
  { provider: 'openai', model: 'gpt-4o', latencyMs: 30, inputTokens: 100, outputTokens: 20, tenant: 'acme' },
  { provider: 'openai', model: 'gpt-4o', latencyMs: 300, inputTokens: 5000, outputTokens: 2, tenant: 'acme' },
  { provider: 'anthropic', model: 'claude-3-5-sonnet', latencyMs: 1500, inputTokens: 70, outputTokens: 700, operation: 'stream' as const, timeToFirstTokenMs: 90, tenant: 'globex' },
  { provider: 'openai', model: 'gpt-4o', latencyMs: 12, inputTokens: 3, outputTokens: 0, status: 'error' as const, errorType: 'RateLimitError', tenant: 'acme' },
];

describe('metrics: OTLP/HTTP push', () => {
  const pushes: Push[] = [];
  let server: Server;
  let url: string;
  let tracer: RactoTracer;
  let beforeRecordNs: bigint;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        pushes.push(decode(req.url ?? '', String(req.headers['content-type']), Buffer.concat(chunks)));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
    beforeRecordNs = BigInt(Date.now()) * 1_000_000n;
    tracer = new RactoTracer({
      serviceName: 'gateway-under-test', serviceInstanceId: 'gw-7', otlpMetricsEndpoint: url, metricsExportIntervalMillis: 100,
      attributeKeys: ['tenant'], metricAttributes: ['tenant'],
    });
    expect(await tracer.ready()).toBe(true);
    for (const { tenant, ...c } of calls) tracer.recordChatSpan({ ...c, attributes: { tenant } });
    await tracer.flush();
    const start = Date.now();
    const requests = (p: Push): number => p.metrics.get('ractogateway.requests')?.points.reduce((n, x) => n + (x.value ?? 0), 0) ?? 0;
    while (!pushes.some((p) => requests(p) === calls.length) && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 20));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const last = (): Push => pushes[pushes.length - 1];
  const point = (m: Metric, match: Record<string, string | undefined>): Point => {
    const found = m.points.filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v));
    expect(found, JSON.stringify(match)).toHaveLength(1);
    return found[0];
  };

  it('posts protobuf to /v1/metrics with the tracer resource and scope', () => {
    expect(pushes.length).toBeGreaterThan(0);
    const p = last();
    expect(p.path).toBe('/v1/metrics');
    expect(p.contentType).toBe('application/x-protobuf');
    expect(p.resource['service.name']).toBe('gateway-under-test');
    // This process's identity (issue 30): OTLP metrics stay per process, told apart by it.
    expect(p.resource['service.instance.id']).toBe('gw-7');
    expect(String(p.resource['process.pid'])).toBe(String(process.pid));
    expect(p.resource['host.name']).toBe(hostname());
    expect(p.resource).toMatchObject({ 'process.runtime.name': 'nodejs', 'process.runtime.version': process.versions.node, 'telemetry.sdk.name': 'ractogateway' });
    expect(p.scope).toBe('ractogateway');
  });

  it('sends the GenAI client metrics with their units, bucket boundaries, attributes and cumulative temporality', () => {
    const m = last().metrics;
    const duration = m.get('gen_ai.client.operation.duration') as Metric;
    expect(duration).toMatchObject({ unit: 's', kind: 'histogram', temporality: CUMULATIVE });
    const ok = point(duration, { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', tenant: 'acme', 'error.type': undefined });
    expect(ok.bounds).toEqual(GENAI_SECONDS);
    expect(ok.count).toBe(2);
    expect(ok.sum).toBeCloseTo(0.33, 12);
    // 0.03 s lies in (0.02, 0.04], 0.3 s in (0.16, 0.32].
    expect(ok.buckets).toEqual(GENAI_SECONDS.concat(Infinity).map((_, i) => (i === 2 || i === 5 ? 1 : 0)));
    const failed = point(duration, { 'error.type': 'RateLimitError' });
    expect(failed.count).toBe(1);
    expect(failed.buckets?.[1]).toBe(1); // 0.012 s in (0.01, 0.02]

    const tokens = m.get('gen_ai.client.token.usage') as Metric;
    expect(tokens).toMatchObject({ unit: '{token}', kind: 'histogram', temporality: CUMULATIVE });
    const input = point(tokens, { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.token.type': 'input' });
    expect(input.bounds).toEqual(GENAI_TOKENS);
    expect([input.count, input.sum]).toEqual([3, 5103]);
    expect(point(tokens, { 'gen_ai.request.model': 'claude-3-5-sonnet', 'gen_ai.token.type': 'output' }).sum).toBe(700);

    const ttft = m.get('gen_ai.client.operation.time_to_first_chunk') as Metric;
    expect(ttft).toMatchObject({ unit: 's', kind: 'histogram' });
    expect(ttft.points).toHaveLength(1);
    expect(ttft.points[0]).toMatchObject({ count: 1, sum: 0.09, attributes: { 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-3-5-sonnet', tenant: 'globex' } });
    expect(ttft.points[0].buckets?.[4]).toBe(1); // 0.09 s in (0.08, 0.16]
  });

  it("sends the gateway's counters as monotonic cumulative sums", () => {
    const m = last().metrics;
    const requests = m.get('ractogateway.requests') as Metric;
    expect(requests).toMatchObject({ kind: 'sum', monotonic: true, temporality: CUMULATIVE, unit: '{request}' });
    expect(point(requests, { model: 'gpt-4o', status: 'ok' }).value).toBe(2);
    expect(point(requests, { model: 'gpt-4o', status: 'error' }).value).toBe(1);
    expect(point(requests, { model: 'claude-3-5-sonnet' }).attributes).toEqual({ provider: 'anthropic', model: 'claude-3-5-sonnet', operation: 'stream', status: 'ok', tenant: 'globex' });
    const cost = m.get('ractogateway.cost_usd') as Metric;
    expect(point(cost, { model: 'gpt-4o' }).value).toBeGreaterThan(0);
    const recorded = m.get('ractogateway.spans.recorded') as Metric;
    expect(recorded.points[0].value).toBe(calls.length);
  });

  it('keeps one start time across pushes, after the tracer started and before each observation', () => {
    const starts = new Set(pushes.flatMap((p) => [...p.metrics.values()].flatMap((m) => m.points.map((x) => x.start))));
    expect(starts.size).toBe(1);
    const [start] = starts;
    expect(start <= beforeRecordNs + 1_000_000_000n).toBe(true);
    for (const p of pushes) for (const m of p.metrics.values()) for (const x of m.points) expect(x.time >= start).toBe(true);
  });

  it('pushes once more at shutdown, with the final counts', async () => {
    const before = pushes.length;
    tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 30, inputTokens: 1, outputTokens: 1, attributes: { tenant: 'acme' } });
    await tracer.shutdown();
    expect(pushes.length).toBeGreaterThan(before);
    const requests = last().metrics.get('ractogateway.requests') as Metric;
    expect(point(requests, { model: 'gpt-4o', status: 'ok' }).value).toBe(3);
  });
});

describe('metrics: OTLP/HTTP push to a slow collector', () => {
  it('never has two pushes in flight: the next waits for the answer', async () => {
    let inFlight = 0;
    let most = 0;
    let answered = 0;
    const slow = createServer((req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      req.resume();
      req.on('end', () => setTimeout(() => {
        inFlight--;
        answered++;
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      }, 250));
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const tracer = new RactoTracer({ otlpMetricsEndpoint: `http://127.0.0.1:${(slow.address() as { port: number }).port}`, metricsExportIntervalMillis: 20 });
    await tracer.ready();
    tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1 });
    await new Promise((r) => setTimeout(r, 1200));
    await tracer.shutdown();
    expect(answered).toBeGreaterThanOrEqual(3);
    expect(most).toBe(1);
    await new Promise<void>((resolve) => slow.close(() => resolve()));
  });
});

describe('metrics: OTLP/HTTP push to a collector that is down', () => {
  it('shutdown() does not wait out the export budget for the last push', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const tracer = new RactoTracer({ otlpMetricsEndpoint: `http://127.0.0.1:${port}`, exportTimeoutMillis: 60_000 });
    await tracer.ready();
    tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1 });
    const t0 = performance.now();
    await tracer.shutdown();
    // The final push gives up after ~2 s of retries, before the main thread's 5 s wait for it ends.
    expect(performance.now() - t0).toBeLessThan(4_500);
  });
});

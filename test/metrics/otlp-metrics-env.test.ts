// The OTLP metrics push turned on by the environment (OTEL_METRICS_EXPORTER=otlp): sent to the
// generic endpoint's /v1/metrics with its headers, carrying the resource of OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES. A real node:http receiver, decoded with protobufjs from
// test/fixtures/otlp/metrics.proto.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';

const root = protobuf.loadSync(fileURLToPath(new URL('../fixtures/otlp/metrics.proto', import.meta.url)));
const Request = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');

interface Push { path: string; headers: IncomingHttpHeaders; resource: Record<string, string> }

const ENV = {
  OTEL_METRICS_EXPORTER: 'otlp',
  OTEL_SERVICE_NAME: 'metrics-from-env',
  OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,region=eu%2Dwest',
  OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=ops',
};

describe('metrics: the OTLP push the environment names', () => {
  const pushes: Push[] = [];
  let server: Server;
  let tracer: RactoTracer;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Request.toObject(Request.decode(Buffer.concat(chunks)), { defaults: false }) as {
          resourceMetrics: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[];
        };
        const resource = Object.fromEntries(body.resourceMetrics[0]!.resource.attributes.map((kv) => [kv.key, kv.value.stringValue ?? '']));
        pushes.push({ path: req.url ?? '', headers: req.headers, resource });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    Object.assign(process.env, ENV, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/base` });
    try {
      // inMemory names the span destination: the environment adds only the metrics push.
      tracer = new RactoTracer({ inMemory: true, metricsExportIntervalMillis: 100 });
    } finally {
      for (const k of [...Object.keys(ENV), 'OTEL_EXPORTER_OTLP_ENDPOINT']) delete process.env[k];
    }
    expect(await tracer.ready()).toBe(true);
    tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 5, inputTokens: 1, outputTokens: 1 });
    await tracer.flush();
    const start = Date.now();
    while (pushes.length === 0 && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 20));
  });
  afterAll(async () => {
    await tracer.shutdown();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('posts to the generic endpoint\'s path with /v1/metrics appended, with its headers', () => {
    expect(pushes.length).toBeGreaterThan(0);
    expect(pushes.every((p) => p.path === '/base/v1/metrics' && p.headers['x-tenant'] === 'ops')).toBe(true);
  });

  it('carries the resource of OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES', () => {
    expect(pushes[0]!.resource).toEqual({ 'service.name': 'metrics-from-env', 'deployment.environment': 'prod', region: 'eu-west' });
  });

  it('adds no span destination beside the options\' inMemory', () => {
    expect(Object.keys(tracer.stats().destinations)).toEqual(['inMemory']);
    expect(tracer.spans).toHaveLength(1);
  });
});

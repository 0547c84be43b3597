// OTLP export from the workers to real receivers on 127.0.0.1, decoded independently.
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { useContextManager } from '../context-manager.js';
import { RactoTracer, type RactoTracerOptions } from '../pkg.js';
import { expectedAttributes, type CallFacts } from '../expected.js';
import http2 from 'node:http2';
import { gunzipSync } from 'node:zlib';
import { collect, decodeProto, startGrpcReceiver, startHttpReceiver, type Receiver, type ReceivedSpan } from './receivers.js';

interface Sent {
  i: number;
  facts: CallFacts;
  before: bigint;
  after: bigint;
  parent: { traceId: string; spanId: string } | undefined;
}

const nowNs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
const otel = new BasicTracerProvider().getTracer('gateway');

/** Call i: a deterministic mix of chat, stream and embed calls, some failed, every third under a parent span. */
function factsFor(i: number): CallFacts {
  if (i % 5 === 4) {
    return { kind: 'embed', provider: 'openai', model: 'text-embedding-3-small', latencyMs: 10 + i, inputTokens: 1000 + i, outputTokens: 0,
      cacheHit: 'miss', toolCalls: 0, errorType: null, attributes: i % 2 ? { tenant: 'acme' } : undefined };
  }
  const kind = i % 4 === 2 ? 'stream' : 'chat';
  const c: CallFacts = {
    kind, provider: i % 2 ? 'anthropic' : 'openai', model: i % 2 ? 'claude-sonnet-4-6' : 'gpt-4o-mini',
    latencyMs: 100.25 + i, inputTokens: 1000 + i, outputTokens: i, cacheHit: i % 4 === 1 ? 'exact' : 'miss',
    toolCalls: i % 3, errorType: i % 7 === 6 ? 'TimeoutError' : null,
  };
  if (i % 3 === 1) Object.assign(c, { cachedInputTokens: 400, cacheWriteTokens: 100 + (i % 50), reasoningTokens: Math.floor(i / 2) });
  if (kind === 'stream') c.timeToFirstTokenMs = 20.5 + i;
  if (i % 4 === 0) c.attributes = { tenant: `t${i % 3}`, route: '/v1/messages' };
  return c;
}

function recordCall(tracer: RactoTracer, i: number): Sent {
  const parentSpan = i % 3 === 0 ? otel.startSpan(`request ${i}`) : undefined;
  const c = factsFor(i);
  const before = nowNs();
  const status = c.errorType === null ? 'ok' as const : 'error' as const;
  const run = (): void => {
    if (c.kind === 'embed') {
      tracer.recordEmbedSpan({ provider: c.provider, model: c.model, latencyMs: c.latencyMs, inputTokens: c.inputTokens, attributes: c.attributes });
    } else {
      tracer.recordChatSpan({
        provider: c.provider, model: c.model, latencyMs: c.latencyMs, inputTokens: c.inputTokens, outputTokens: c.outputTokens,
        cacheHit: c.cacheHit, toolCalls: c.toolCalls, status, errorType: c.errorType, operation: c.kind,
        cachedInputTokens: c.cachedInputTokens, cacheWriteTokens: c.cacheWriteTokens, reasoningTokens: c.reasoningTokens,
        timeToFirstTokenMs: c.timeToFirstTokenMs, attributes: c.attributes,
      });
    }
  };
  if (parentSpan) context.with(trace.setSpan(context.active(), parentSpan), run);
  else run();
  const after = nowNs();
  parentSpan?.end();
  return { i, facts: c, before, after, parent: parentSpan && { traceId: parentSpan.spanContext().traceId, spanId: parentSpan.spanContext().spanId } };
}

function expectSpanMatches(s: ReceivedSpan, c: Sent, serviceName: string): void {
  const f = c.facts;
  const error = f.errorType !== null;
  expect(s.name).toBe(f.kind === 'embed' ? 'llm.embed' : 'llm.chat');
  expect(s.kind).toBe(3); // SPAN_KIND_CLIENT
  expect(s.attributes).toEqual(expectedAttributes(f));
  expect(s.status).toEqual(error ? { code: 2, message: 'TimeoutError' } : { code: 0, message: '' });
  expect(s.resource['service.name']).toBe(serviceName);
  expect(s.scope.name).toBe('ractogateway');
  expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
  expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
  if (c.parent) {
    expect(s.traceId).toBe(c.parent.traceId);
    expect(s.parentSpanId).toBe(c.parent.spanId);
  } else {
    expect(s.parentSpanId).toBeUndefined();
  }
  // end = the record call (to the microsecond), start = end - latency
  expect(s.endNs).toBeGreaterThanOrEqual(c.before - 1000n);
  expect(s.endNs).toBeLessThanOrEqual(c.after + 1000n);
  expect(Number(s.endNs - s.startNs) / 1e6).toBeCloseTo(f.latencyMs, 3);
}

function bySpanInput(spans: ReceivedSpan[]): Map<number, ReceivedSpan> {
  return new Map(spans.map((s) => [(s.attributes['llm.input_tokens'] as number) - 1000, s]));
}

useContextManager();

async function roundTrip(receiver: Receiver, options: RactoTracerOptions, n = 60): Promise<void> {
  // clock 'precise': end times are checked to the microsecond through the wire format.
  const tracer = new RactoTracer({ serviceName: 'svc-under-test', clock: 'precise', attributeKeys: ['tenant', 'route'], ...options });
  const sent = Array.from({ length: n }, (_, i) => recordCall(tracer, i));
  await tracer.flush();
  expect(receiver.spans).toHaveLength(n);
  const got = bySpanInput(receiver.spans);
  for (const c of sent) expectSpanMatches(got.get(c.i) as ReceivedSpan, c, 'svc-under-test');
  expect(tracer.stats()).toMatchObject({ recorded: n, exported: n, failed: 0, dropped: 0, pending: 0 });
  await tracer.shutdown();
}

describe('OTLP/gRPC', () => {
  it('delivers every span with its attributes, ids and times, and the headers', async () => {
    const receiver = await startGrpcReceiver();
    await roundTrip(receiver, { otlpEndpoint: receiver.url, otlpHeaders: { 'x-api-key': 'secret-123' }, otlpCompression: 'gzip' });
    expect(receiver.headers.length).toBeGreaterThan(0);
    expect(receiver.headers.every((h) => h['x-api-key'] === 'secret-123')).toBe(true);
    await receiver.close();
  });

  it('compresses with gzip on the wire: grpc-encoding header and the compressed-flag byte', async () => {
    // grpc-js hides both from its handlers, so this receiver reads the HTTP/2 stream itself.
    const seen: { encoding: unknown; flag: number; spans: number }[] = [];
    const server = http2.createServer();
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const frame = Buffer.concat(chunks);
        const message = frame[0] === 1 ? gunzipSync(frame.subarray(5)) : frame.subarray(5);
        const spans: ReceivedSpan[] = [];
        collect(decodeProto(message), spans);
        seen.push({ encoding: headers['grpc-encoding'], flag: frame[0], spans: spans.length });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.alloc(5));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const tracer = new RactoTracer({ otlpEndpoint: `127.0.0.1:${(server.address() as { port: number }).port}`, otlpCompression: 'gzip' });
    for (let i = 0; i < 10; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1 });
    await tracer.shutdown();
    server.close();
    expect(seen).toEqual([{ encoding: 'gzip', flag: 1, spans: 10 }]);
  });

  it('accepts a bare host:port endpoint', async () => {
    const receiver = await startGrpcReceiver();
    await roundTrip(receiver, { otlpEndpoint: receiver.url.replace('http://', '') }, 10);
    await receiver.close();
  });
});

describe('OTLP/HTTP', () => {
  it('appends /v1/traces to an endpoint without a path and sends protobuf (the default) with headers', async () => {
    const receiver = await startHttpReceiver();
    await roundTrip(receiver, { otlpHttpEndpoint: receiver.url, otlpHeaders: { authorization: 'Bearer tok' } });
    expect(receiver.headers.every((h) => h.authorization === 'Bearer tok' && h['content-type'] === 'application/x-protobuf')).toBe(true);
    await receiver.close();
  });

  it('sends JSON through the OTel SDK exporter when asked', async () => {
    const receiver = await startHttpReceiver();
    await roundTrip(receiver, { otlpHttpEndpoint: receiver.url, otlpHttpProtocol: 'http/json', otlpHeaders: { authorization: 'Bearer tok' } });
    expect(receiver.headers.every((h) => h.authorization === 'Bearer tok' && String(h['content-type']).includes('json'))).toBe(true);
    await receiver.close();
  });

  it('uses an endpoint with a path as given, and sends protobuf when asked, gzipped', async () => {
    const receiver = await startHttpReceiver();
    await roundTrip(receiver, { otlpHttpEndpoint: `${receiver.url}/custom/path`, otlpHttpProtocol: 'http/protobuf', otlpCompression: 'gzip' });
    expect(receiver.headers.every((h) => h['content-type'] === 'application/x-protobuf')).toBe(true);
    expect(receiver.encodings.every((e) => e === 'gzip')).toBe(true);
    await receiver.close();
  });

  it('takes the protocol from OTEL_EXPORTER_OTLP_PROTOCOL', async () => {
    const receiver = await startHttpReceiver();
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    try {
      await roundTrip(receiver, { otlpHttpEndpoint: receiver.url }, 10);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
    }
    expect(receiver.headers.every((h) => String(h['content-type']).includes('json'))).toBe(true);
    await receiver.close();
  });
});

describe('several destinations at once', () => {
  it('gives every destination every span and counts each', async () => {
    const grpcReceiver = await startGrpcReceiver();
    const httpReceiver = await startHttpReceiver();
    const memory = new InMemorySpanExporter();
    const tracer = new RactoTracer({ otlpEndpoint: grpcReceiver.url, otlpHttpEndpoint: httpReceiver.url, customExporter: memory, attributeKeys: ['tenant', 'route'] });
    for (let i = 0; i < 40; i++) recordCall(tracer, i);
    await tracer.flush();
    expect(grpcReceiver.spans).toHaveLength(40);
    expect(httpReceiver.spans).toHaveLength(40);
    expect(memory.getFinishedSpans()).toHaveLength(40);
    const ids = (spans: { spanId: string }[]): string[] => spans.map((s) => s.spanId).sort();
    expect(ids(grpcReceiver.spans)).toEqual(ids(httpReceiver.spans));
    expect(ids(memory.getFinishedSpans().map((s) => s.spanContext()))).toEqual(ids(grpcReceiver.spans));
    const s = tracer.stats();
    expect(s).toMatchObject({ recorded: 40, exported: 40, failed: 0, pending: 0 });
    expect(s.destinations).toEqual({
      otlpGrpc: { exported: 40, failed: 0 }, otlpHttp: { exported: 40, failed: 0 }, customExporter: { exported: 40, failed: 0 },
    });
    await tracer.shutdown();
    await grpcReceiver.close();
    await httpReceiver.close();
  });
});

describe.each([
  ['gRPC', startGrpcReceiver, (url: string) => ({ otlpEndpoint: url })],
  ['HTTP', startHttpReceiver, (url: string) => ({ otlpHttpEndpoint: url })],
] as const)('OTLP/%s under load and refusal', (_name, start, endpoint) => {
  it('delivers 20,000 spans through shutdown(), each exactly once', async () => {
    const receiver = await start();
    const tracer = new RactoTracer(endpoint(receiver.url));
    for (let i = 0; i < 20_000; i++) {
      expect(tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, inputTokens: i })).toBe(true);
    }
    await tracer.shutdown();
    expect(receiver.spans).toHaveLength(20_000);
    const tokens = new Set(receiver.spans.map((s) => s.attributes['llm.input_tokens']));
    expect(tokens.size).toBe(20_000);
    expect(new Set(receiver.spans.map((s) => s.spanId)).size).toBe(20_000);
    expect(tracer.stats()).toMatchObject({ recorded: 20_000, exported: 20_000, failed: 0, dropped: 0, pending: 0 });
    await receiver.close();
  });

  it('retries a receiver that refuses the first requests, and everything arrives', async () => {
    const receiver = await start({ refuse: 2 });
    const tracer = new RactoTracer(endpoint(receiver.url));
    for (let i = 0; i < 100; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, inputTokens: i });
    await tracer.flush();
    expect(receiver.refused).toBe(2);
    expect(receiver.spans).toHaveLength(100);
    expect(tracer.stats()).toMatchObject({ recorded: 100, exported: 100, failed: 0, pending: 0 });
    await tracer.shutdown();
    await receiver.close();
  });
});

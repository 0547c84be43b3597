// OTLP/HTTP JSON, which the workers write themselves (no SDK exporter): the request equals what
// OpenTelemetry's own JSON serializer (@opentelemetry/otlp-transformer) writes for the same spans,
// and the JSON answer's partial success is read. Receivers decode with JSON.parse.
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { startHttpReceiver, type Receiver } from './receivers.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** Every span of some OTLP JSON requests, each with its resource and scope beside it. */
function spansOf(requests: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const r of requests as { resourceSpans?: { resource?: unknown; scopeSpans?: { scope?: unknown; spans?: unknown[] }[] }[] }[]) {
    for (const rs of r.resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) out.push({ resource: rs.resource, scope: ss.scope, span });
      }
    }
  }
  return out.map(normalise).sort((a, b) => key(a).localeCompare(key(b)));
}

const key = (s: unknown): string => String((s as { span: { spanId: string } }).span.spanId);

/**
 * One spelling for what the JSON mapping lets writers spell two ways: 64-bit integers as strings
 * or numbers, fields at their default value (0, '', false, empty) written or left out, and the
 * order of a span's attributes.
 */
function normalise(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v;
  if (typeof v === 'string') return /^-?\d+$/.test(v) ? BigInt(v).toString() : v;
  if (Array.isArray(v)) {
    const items = v.map(normalise);
    const isAttributes = items.every((i) => typeof i === 'object' && i !== null && 'key' in i);
    return isAttributes ? items.sort((a, b) => String((a as { key: string }).key).localeCompare(String((b as { key: string }).key))) : items;
  }
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const n = normalise(x);
      const empty = n === undefined || n === null || n === '0' || n === '' || n === false ||
        (Array.isArray(n) && n.length === 0) || (typeof n === 'object' && n !== null && Object.keys(n).length === 0);
      if (!empty) out[k] = n;
    }
    return out;
  }
  return v;
}

/** A customExporter that keeps the ReadableSpans it is handed. */
function collecting(): { handed: ReadableSpan[]; collector: SpanExporter } {
  const handed: ReadableSpan[] = [];
  const collector: SpanExporter = {
    export(spans, done) {
      handed.push(...spans);
      done({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
  };
  return { handed, collector };
}

describe('OTLP/HTTP JSON', () => {
  it('writes, for the same spans, the request OpenTelemetry\'s JSON serializer writes', async () => {
    receiver = await startHttpReceiver();
    const { handed, collector } = collecting();
    const tracer = new RactoTracer({
      serviceName: 'json-check', otlpHttpEndpoint: receiver.url, otlpHttpProtocol: 'http/json', customExporter: collector, attributeKeys: ['tenant'],
    });
    const parent = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 812.37, inputTokens: 1200, outputTokens: 310, cachedInputTokens: 1024, cacheHit: 'miss', toolCalls: 2, parent });
    tracer.recordChatSpan({ provider: 'anthropic', model: 'claude-sonnet-4-5', latencyMs: 95.5, operation: 'stream', inputTokens: 80, outputTokens: 40, timeToFirstTokenMs: 31.25, reasoningTokens: 12, attributes: { tenant: 'acme' } });
    tracer.recordChatSpan({ provider: 'google', model: 'gemini-2.5-flash', latencyMs: 3, status: 'error', errorType: 'RateLimitError', cacheHit: 'exact' });
    tracer.recordEmbedSpan({ provider: 'openai', model: 'text-embedding-3-small', latencyMs: 12, inputTokens: 512 });
    tracer.recordChatSpan({ provider: 'mystery', model: 'no-such-model', latencyMs: 1.005, inputTokens: 7, outputTokens: 0 });
    await tracer.flush();
    await tracer.shutdown();

    expect(handed).toHaveLength(5);
    const theirs = spansOf([JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(handed) as Uint8Array).toString('utf8'))]);
    const ours = spansOf(receiver.jsonBodies);
    expect(ours).toHaveLength(5);
    expect(ours).toEqual(theirs);
    // What the comparison rests on is there: ids as hex, times as integers, typed values.
    expect(ours.map((s) => (s as { span: { traceId: string } }).span.traceId)).toContain(parent.traceId);
    expect(JSON.stringify(ours)).toContain('"doubleValue":812.37');
    expect(JSON.stringify(ours)).toContain('"stringValue":"RateLimitError"');
  });

  it('writes the response fields and the captured content as OpenTelemetry\'s JSON serializer does, a truncated attribute with its size', async () => {
    receiver = await startHttpReceiver();
    const { handed, collector } = collecting();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, otlpHttpProtocol: 'http/json', customExporter: collector, captureContent: true, maxContentBytes: 256 });
    tracer.recordChatSpan({
      provider: 'openai', model: 'gpt-4o', latencyMs: 40, inputTokens: 12, outputTokens: 3, responseModel: 'gpt-4o-2024-08-06', responseId: 'chatcmpl-Ab1',
      finishReasons: ['stop', 'length'], serverAddress: 'api.openai.com', serverPort: 443, system: 'Be brief, \u00e9l\u00e8ve "quoted"',
      input: [{ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(600) }] }], output: 'Bonjour \ud83d\udc4b',
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
    });
    tracer.recordEmbedSpan({ provider: 'openai', model: 'text-embedding-3-small', latencyMs: 5, responseModel: 'text-embedding-3-small', serverAddress: '10.0.0.7', serverPort: 8080 });
    await tracer.shutdown();

    expect(handed).toHaveLength(2);
    const theirs = spansOf([JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(handed) as Uint8Array).toString('utf8'))]);
    const ours = spansOf(receiver.jsonBodies);
    expect(ours).toEqual(theirs);
    const [chat] = receiver.spans.filter((x) => x.attributes['gen_ai.response.id'] !== undefined);
    expect(chat.attributes).toMatchObject({ 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.response.finish_reasons': ['stop', 'length'], 'server.port': 443 });
    expect(JSON.parse(chat.attributes['gen_ai.output.messages'] as string)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Bonjour \ud83d\udc4b' }], finish_reason: 'stop' }]);
    expect(JSON.parse(chat.attributes['gen_ai.system_instructions'] as string)).toEqual([{ type: 'text', content: 'Be brief, \u00e9l\u00e8ve "quoted"' }]);
    expect(chat.attributes['llm.content.input.original_bytes']).toBeGreaterThan(600);
  });

  it('reads partial success from a JSON answer: the rejected spans count failed, the rest exported', async () => {
    receiver = await startHttpReceiver({ partial: { rejected: 2, message: 'two spans were too old' } });
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, otlpHttpProtocol: 'http/json', maxExportBatchSize: 10 });
    for (let i = 0; i < 10; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: i + 1 });
    await tracer.flush();
    const s = tracer.stats();
    await tracer.shutdown();
    const requests = receiver.jsonBodies.length;
    expect(requests).toBeGreaterThan(0);
    expect(s).toMatchObject({ recorded: 10, exported: 10 - 2 * requests, failed: 2 * requests, pending: 0 });
    expect(s.failedByReason.rejected).toBe(2 * requests);
    expect(receiver.spans).toHaveLength(10 - 2 * requests);
  });
});

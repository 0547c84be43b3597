// GenAI conventions, trace context and pricing through real workers: SDK spans for a custom
// exporter, and the OTLP encoder to a real receiver.
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { useContextManager } from '../context-manager.js';
import { RactoTracer } from '../pkg.js';
import { startHttpReceiver } from './receivers.js';

const chat = { provider: 'openai', model: 'gpt-4o', latencyMs: 50 };
const otel = new BasicTracerProvider().getTracer('gateway');

describe('trace context', () => {
  useContextManager();

  it('parents the span to an explicit parent, over the active span', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new RactoTracer({ customExporter: exporter });
    const active = otel.startSpan('POST /v1/chat');
    const explicit = otel.startSpan('queue job');
    context.with(trace.setSpan(context.active(), active), () => {
      tracer.recordChatSpan({ ...chat, inputTokens: 1, parent: explicit.spanContext() });
      tracer.recordChatSpan({ ...chat, inputTokens: 2 });
    });
    await tracer.flush();
    const [a, b] = exporter.getFinishedSpans().sort((x, y) => (x.attributes['llm.input_tokens'] as number) - (y.attributes['llm.input_tokens'] as number));
    expect(a.spanContext().traceId).toBe(explicit.spanContext().traceId);
    expect(a.parentSpanContext?.spanId).toBe(explicit.spanContext().spanId);
    expect(b.spanContext().traceId).toBe(active.spanContext().traceId);
    expect(b.parentSpanContext?.spanId).toBe(active.spanContext().spanId);
    await tracer.shutdown();
  });

  it('does not record a call whose parent is not sampled, active or explicit, and counts it', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new RactoTracer({ customExporter: exporter });
    const unsampled = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE });
    let inside = true;
    context.with(trace.setSpan(context.active(), unsampled), () => {
      inside = tracer.recordChatSpan(chat);
    });
    const explicit = tracer.recordChatSpan({ ...chat, parent: unsampled.spanContext() });
    const sampled = tracer.recordChatSpan({ ...chat, parent: { ...unsampled.spanContext(), traceFlags: TraceFlags.SAMPLED } });
    await tracer.flush();
    expect([inside, explicit, sampled]).toEqual([false, false, true]);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0].spanContext().traceFlags).toBe(TraceFlags.SAMPLED);
    expect(tracer.stats()).toMatchObject({ recorded: 3, exported: 1, dropped: 2, droppedByReason: { notSampled: 2 }, pending: 0 });
    await tracer.shutdown();
  });
});

describe('span names and attributes over OTLP', () => {
  it("names spans `{operation} {model}` with spanNames 'genai', in the SDK spans and on the wire alike", async () => {
    const receiver = await startHttpReceiver();
    const exporter = new InMemorySpanExporter();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, customExporter: exporter, spanNames: 'genai' });
    tracer.recordChatSpan({ ...chat, operation: 'stream', timeToFirstTokenMs: 12 });
    tracer.recordEmbedSpan({ provider: 'openai', model: 'text-embedding-3-large', latencyMs: 3, inputTokens: 10 });
    await tracer.flush();
    const names = (list: string[]) => list.sort();
    expect(names(receiver.spans.map((s) => s.name))).toEqual(['chat gpt-4o', 'embeddings text-embedding-3-large']);
    expect(names(exporter.getFinishedSpans().map((s) => s.name))).toEqual(['chat gpt-4o', 'embeddings text-embedding-3-large']);
    const stream = receiver.spans.find((s) => s.name === 'chat gpt-4o');
    expect(stream?.attributes['gen_ai.request.stream']).toBe(true);
    expect(stream?.attributes['gen_ai.response.time_to_first_chunk']).toBe(0.012);
    await tracer.shutdown();
    await receiver.close();
  });
});

describe('pricing in the workers', () => {
  it('swaps the price table in every worker with setPriceTable(), for the records made after the call', async () => {
    const receiver = await startHttpReceiver();
    const exporter = new InMemorySpanExporter();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, customExporter: exporter, workers: 2, maxExportBatchSize: 64 });
    await tracer.ready();
    // No flush between the two halves: batches in flight must keep the prices they were made under.
    for (let i = 0; i < 500; i++) tracer.recordChatSpan({ ...chat, inputTokens: 1_000_000 + i });
    tracer.setPriceTable({ 'gpt-4o': { inputPerMillion: 5, outputPerMillion: 20 }, 'brand-new': { inputPerMillion: 1, outputPerMillion: 1 } });
    for (let i = 500; i < 1_000; i++) tracer.recordChatSpan({ ...chat, inputTokens: 1_000_000 + i });
    tracer.recordChatSpan({ ...chat, model: 'brand-new', inputTokens: 1_000_000 });
    await tracer.flush();
    const cost = (input: number) => Math.round((input * (input < 1_000_500 ? 2.5 : 5) / 1e6) * 1e8) / 1e8;
    for (const s of receiver.spans.filter((x) => x.attributes['llm.model'] === 'gpt-4o')) {
      expect(s.attributes['llm.cost_usd']).toBe(cost(s.attributes['llm.input_tokens'] as number));
    }
    for (const s of exporter.getFinishedSpans().filter((x) => x.attributes['llm.model'] === 'gpt-4o')) {
      expect(s.attributes['llm.cost_usd']).toBe(cost(s.attributes['llm.input_tokens'] as number));
    }
    expect(receiver.spans).toHaveLength(1_001);
    expect(receiver.spans.find((s) => s.attributes['llm.model'] === 'brand-new')?.attributes).toMatchObject({ 'llm.cost_usd': 1, 'llm.price_source': 'custom' });
    expect(tracer.stats().unpricedCalls).toEqual({});
    await tracer.shutdown();
    await receiver.close();
  });

  it('applies a table set before the first record, and the last of two set back to back', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new RactoTracer({ customExporter: exporter });
    tracer.setPriceTable({ 'gpt-4o': { inputPerMillion: 7, outputPerMillion: 7 } });
    tracer.recordChatSpan({ ...chat, inputTokens: 1_000_000 });
    tracer.setPriceTable({ 'gpt-4o': { inputPerMillion: 8, outputPerMillion: 8 } });
    tracer.setPriceTable({ 'gpt-4o': { inputPerMillion: 9, outputPerMillion: 9 } });
    tracer.recordChatSpan({ ...chat, inputTokens: 2_000_000 });
    await tracer.flush();
    const costs = exporter.getFinishedSpans().map((s) => [s.attributes['llm.input_tokens'], s.attributes['llm.cost_usd']]).sort();
    expect(costs).toEqual([[1_000_000, 7], [2_000_000, 18]]);
    await tracer.shutdown();
  });

  it('counts unpriced calls once per call, however many destinations', async () => {
    const receiver = await startHttpReceiver();
    const exporter = new InMemorySpanExporter();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, customExporter: exporter, inMemory: true });
    for (let i = 0; i < 30; i++) tracer.recordChatSpan({ ...chat, model: i % 3 ? 'openai/gpt-4o-2024-08-06' : 'secret-model' });
    await tracer.flush();
    expect(tracer.stats().unpricedCalls).toEqual({ 'secret-model': 10 });
    const sources = receiver.spans.map((s) => s.attributes['llm.price_source']).sort();
    expect(sources.filter((x) => x === 'alias')).toHaveLength(20);
    expect(sources.filter((x) => x === 'unpriced')).toHaveLength(10);
    await tracer.shutdown();
    await receiver.close();
  });
});

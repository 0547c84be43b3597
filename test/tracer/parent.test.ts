// `parent` of a record call: absent (the span active in the OTel context), a SpanContext, or null
// (a root span, whatever is active). Real workers export to a customExporter, whose spans carry
// the parent the record had; an OTel context manager is registered for the file.
import { context, trace, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useContextManager } from '../context-manager.js';
import { expectThrows } from '../helpers.js';
import { RactoTracer } from '../pkg.js';

useContextManager();

const spans: ReadableSpan[] = [];
const exporter: SpanExporter = {
  export: (batch, done) => {
    spans.push(...batch);
    done({ code: 0 });
  },
  shutdown: async () => undefined,
};
let tracer: RactoTracer;
beforeAll(() => {
  tracer = new RactoTracer({ customExporter: exporter });
});
afterAll(() => tracer.shutdown());

const sampled = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
const other = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
const underSpan = <T>(sc: typeof sampled, fn: () => T): T => context.with(trace.setSpanContext(context.active(), sc), fn);

async function exported(model: string): Promise<ReadableSpan> {
  await tracer.flush();
  const found = spans.filter((s) => s.attributes['gen_ai.request.model'] === model);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('parent', () => {
  it('is the active span when absent, and none with parent: null under the same active span', async () => {
    underSpan(sampled, () => {
      tracer.recordChatSpan({ provider: 'openai', model: 'm-active', latencyMs: 1 });
      tracer.recordChatSpan({ provider: 'openai', model: 'm-root', latencyMs: 1, parent: null });
      tracer.recordEmbedSpan({ provider: 'openai', model: 'e-root', latencyMs: 1, parent: null });
    });
    const active = await exported('m-active');
    expect(active.spanContext().traceId).toBe(sampled.traceId);
    expect(active.parentSpanContext?.spanId).toBe(sampled.spanId);
    for (const model of ['m-root', 'e-root']) {
      const root = await exported(model);
      expect(root.parentSpanContext).toBeUndefined();
      expect(root.spanContext().traceId).not.toBe(sampled.traceId);
    }
  });

  it('is the given SpanContext over the active span, again when the same ids come twice', async () => {
    underSpan(sampled, () => {
      tracer.recordChatSpan({ provider: 'openai', model: 'm-given-1', latencyMs: 1, parent: other });
      tracer.recordChatSpan({ provider: 'openai', model: 'm-given-2', latencyMs: 1, parent: { ...other } });
    });
    for (const model of ['m-given-1', 'm-given-2']) {
      const s = await exported(model);
      expect(s.spanContext().traceId).toBe(other.traceId);
      expect(s.parentSpanContext?.spanId).toBe(other.spanId);
    }
  });

  it('null records under an unsampled active span, which otherwise drops the call', () => {
    const t = new RactoTracer({ inMemory: true });
    const unsampled = { ...sampled, traceFlags: TraceFlags.NONE };
    underSpan(unsampled, () => {
      expect(t.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1 })).toBe(false);
      expect(t.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, parent: null })).toBe(true);
    });
    expect(t.stats()).toMatchObject({ recorded: 2, dropped: 1, droppedByReason: { notSampled: 1 } });
    expect(t.spans).toHaveLength(1);
  });

  it('checks ids that follow ones it accepted: a bad span id after a good one is still refused', () => {
    const t = new RactoTracer({ inMemory: true });
    expect(t.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, parent: other })).toBe(true);
    expectThrows(() => t.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, parent: { ...other, spanId: 'B7AD6B7169203331' } }),
      RangeError, 'call.parent.spanId must be 16 lower-case hex digits, not all zero (received "B7AD6B7169203331")', 'RACTO_ERR_INVALID_ARG');
    expectThrows(() => t.recordEmbedSpan({ provider: 'openai', model: 'e', latencyMs: 1, parent: 7 as never }),
      TypeError, 'call.parent must be a SpanContext ({ traceId, spanId, traceFlags }) or null (received 7)', 'RACTO_ERR_INVALID_ARG');
    expect(t.stats().recorded).toBe(1);
  });
});

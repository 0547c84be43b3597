// Runtime checks, part 2: spans through the piscina worker pool (shared-memory ring, drain loops
// parked in Atomics.waitAsync) to real receivers in this process: OTLP/HTTP protobuf on
// node:http, plain and gzip, and OTLP/gRPC on @grpc/grpc-js (the worker's client is node:http2),
// decoded by protobufjs from test/fixtures/otlp/ (test/e2e/receivers.ts). flush() and stats().
import assert from 'node:assert/strict';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { RactoTracer, type RactoTracerOptions } from './pkg.js';
import { startGrpcReceiver, startHttpReceiver, type ReceivedSpan, type Receiver } from '../e2e/receivers.js';
import { check, skippedAsFailed } from './harness.js';
import { PRICES } from './memory.js';

const PARENT = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
/** Calls of one run; every 10th under PARENT. */
const CALLS = 300;

/** Call i, recorded: its fields, as the receiver must show them. */
function record(tracer: RactoTracer, i: number): { latencyMs: number; inputTokens: number; outputTokens: number; tenant: string } {
  const call = { latencyMs: 10 + i / 4, inputTokens: 100 + i, outputTokens: i, tenant: `t${i % 3}` };
  const run = (): boolean => tracer.recordChatSpan({ provider: 'openai', model: 'acme-chat', latencyMs: call.latencyMs, inputTokens: call.inputTokens,
    outputTokens: call.outputTokens, attributes: { tenant: call.tenant } });
  const ok = i % 10 === 0 ? context.with(trace.setSpanContext(context.active(), PARENT), run) : run();
  if (!ok) throw new Error(`call ${i} was refused`);
  return call;
}

/** Records CALLS calls on a tracer sending to `receiver`, flushes, and checks what arrived. */
async function exportRun(label: string, receiver: Receiver, options: RactoTracerOptions): Promise<void> {
  const tracer = new RactoTracer({ serviceName: `runtime-${label}`, priceTable: PRICES, attributeKeys: ['tenant'], workers: 2, ...options });
  try {
    if (!(await check(`${label}: ready() resolves true (workers started, destinations loaded)`, async () => assert.equal(await tracer.ready(), true)))) return;
    const sent = Array.from({ length: CALLS }, (_, i) => record(tracer, i));
    const flushed = await check(`${label}: flush() resolves with every span settled`, async () => {
      await tracer.flush();
      assert.equal(tracer.stats().pending, 0);
    });
    if (!flushed) return;
    const got = [...receiver.spans].sort((a, b) => Number(a.attributes['llm.input_tokens']) - Number(b.attributes['llm.input_tokens']));
    await check(`${label}: the receiver decodes all ${CALLS} spans, field by field`, () => {
      assert.equal(got.length, CALLS);
      got.forEach((s, i) => {
        const c = sent[i]!;
        assert.equal(s.name, 'llm.chat');
        assert.equal(s.attributes['llm.input_tokens'], c.inputTokens);
        assert.equal(s.attributes['llm.output_tokens'], c.outputTokens);
        assert.equal(s.attributes['llm.model'], 'acme-chat');
        assert.equal(s.attributes['tenant'], c.tenant);
        assert.ok(Math.abs(Number(s.attributes['llm.cost_usd']) - (c.inputTokens * 2 + c.outputTokens * 8) / 1e6) < 1e-8, `cost of call ${i}`);
        assert.ok(Math.abs(Number(s.endNs - s.startNs) / 1e6 - c.latencyMs) < 1e-3, `duration of call ${i}: ${s.endNs - s.startNs} ns`);
      });
    });
    await check(`${label}: the resource and scope arrive with each span`, () => {
      assert.ok(got.length > 0);
      for (const s of got) assert.equal(s.resource['service.name'], `runtime-${label}`);
      assert.ok(got.every((s) => s.scope.name.length > 0));
    });
    await check(`${label}: spans recorded under an active span are its children (AsyncLocalStorage context), the rest roots`, () => {
      const children = got.filter((s: ReceivedSpan) => s.parentSpanId !== undefined);
      assert.equal(children.length, CALLS / 10);
      for (const s of children) assert.deepEqual([s.traceId, s.parentSpanId], [PARENT.traceId, PARENT.spanId]);
      assert.equal(new Set(got.filter((s) => s.parentSpanId === undefined).map((s) => s.traceId)).size, CALLS - CALLS / 10);
    });
    await check(`${label}: stats() books every span exported once: recorded == exported + dropped + failed + pending`, () => {
      const st = tracer.stats();
      assert.deepEqual([st.recorded, st.exported, st.dropped, st.failed, st.pending], [CALLS, CALLS, 0, 0, 0]);
      const [dest] = Object.values(st.destinations);
      assert.deepEqual(dest, { exported: CALLS, failed: 0 });
    });
  } finally {
    await tracer.shutdown();
  }
}

export async function otlpChecks(): Promise<void> {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  try {
    const http = await startHttpReceiver();
    await exportRun('otlp/http protobuf', http, { otlpHttpEndpoint: http.url, otlpHttpProtocol: 'http/protobuf' });
    await http.close();

    const gzip = await startHttpReceiver();
    await exportRun('otlp/http gzip', gzip, { otlpHttpEndpoint: gzip.url, otlpHttpProtocol: 'http/protobuf', otlpCompression: 'gzip' });
    await check('otlp/http gzip: every request arrived gzip-encoded', () => {
      assert.ok(gzip.encodings.length > 0);
      assert.deepEqual(new Set(gzip.encodings), new Set(['gzip']));
    });
    await gzip.close();

    let grpc: Receiver | undefined;
    try {
      grpc = await startGrpcReceiver();
    } catch (err) {
      skippedAsFailed('otlp/grpc: a @grpc/grpc-js receiver listens', String(err));
    }
    if (grpc !== undefined) {
      await exportRun('otlp/grpc', grpc, { otlpEndpoint: grpc.url });
      await grpc.close();
    }
  } finally {
    manager.disable();
    context.disable();
  }
}

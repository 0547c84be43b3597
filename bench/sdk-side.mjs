// The OTel SDK as the benchmarks' baseline, one definition for every suite: a BasicTracerProvider
// with a BatchSpanProcessor (its queue as large as ractogateway's ring, 65,536, since its default of
// 2,048 drops most spans at these rates; batches of 512) and the OTLP exporter over HTTP (protobuf)
// or gRPC, to the receiver process. Each call becomes startSpan() with the original's attributes,
// then end(). Counts what the receiver acknowledged through the exporter's own result callback.

/** Resolves to { record(call), flush(), counts(), reset(), close() }. */
export async function sdkSide({ transport = 'http', ports }) {
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = transport === 'http'
    ? await import('@opentelemetry/exporter-trace-otlp-proto')
    : await import('@opentelemetry/exporter-trace-otlp-grpc');
  const inner = new OTLPTraceExporter({
    url: transport === 'http' ? `http://127.0.0.1:${ports.http}/v1/traces` : `http://127.0.0.1:${ports.grpc}`,
    // forceFlush() sends every queued batch at once: up to 65,536 / 512 exports in flight.
    concurrencyLimit: 256,
  });
  let acked = 0;
  let failed = 0;
  let recorded = 0;
  const exporter = {
    export(spans, done) {
      inner.export(spans, (r) => {
        if (r.code === 0) acked += spans.length;
        else failed += spans.length;
        done(r);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.(),
  };
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 65_536, maxExportBatchSize: 512 })],
  });
  const tracer = provider.getTracer('bench');
  return {
    record(c) {
      recorded++;
      tracer.startSpan('llm.chat', {
        attributes: {
          'llm.provider': c.provider, 'llm.model': c.model, 'llm.operation': 'chat', 'llm.latency_ms': c.latencyMs,
          'llm.input_tokens': c.inputTokens, 'llm.output_tokens': c.outputTokens, 'llm.cache_hit': c.cacheHit,
          'llm.tool_calls': c.toolCalls, 'llm.cost_usd': 0.001,
        },
      }).end();
      return true;
    },
    flush: () => provider.forceFlush(),
    // The BatchSpanProcessor drops silently when its queue is full: dropped = recorded - acked - failed.
    counts: () => ({ acked, failed, dropped: recorded - acked - failed }),
    reset() {
      acked = failed = recorded = 0;
    },
    close: () => provider.shutdown(),
  };
}

// Child side of bench/cpu.mjs: the measured sides, one object each with the same shape
// (record, flush, reset, counts, close): a RactoTracer over OTLP/HTTP, OTLP/gRPC or a main-thread
// customExporter; the plain OTel SDK (../sdk-side.mjs); and 'none', the driver alone.
import { sdkSide } from '../sdk-side.mjs';

async function ractoSide(lib, options) {
  const tracer = new lib.RactoTracer(options);
  await tracer.ready();
  let base = tracer.stats();
  return {
    record: (c) => tracer.recordChatSpan(c),
    flush: () => tracer.flush(),
    reset() {
      base = tracer.stats();
    },
    counts() {
      const s = tracer.stats();
      return { acked: s.exported - base.exported, dropped: s.dropped - base.dropped, failed: s.failed - base.failed };
    },
    stats: () => delta(tracer.stats(), base),
    close: () => tracer.shutdown(),
  };
}

/** a - b over every number of a (nested objects too); other values from a. */
function delta(a, b) {
  const out = {};
  for (const [k, v] of Object.entries(a)) {
    out[k] = typeof v === 'number' ? v - (b?.[k] ?? 0) : v !== null && typeof v === 'object' ? delta(v, b?.[k]) : v;
  }
  return out;
}

function noneSide() {
  let recorded = 0;
  return {
    record: null,
    count: (n) => (recorded += n),
    flush: async () => undefined,
    reset() {
      recorded = 0;
    },
    counts: () => ({ acked: recorded, dropped: 0, failed: 0 }),
    close: async () => undefined,
  };
}

export async function makeSide(lib, { impl, transport, ports }, extra = {}) {
  if (impl === 'none') return noneSide();
  if (impl === 'otel-sdk') return sdkSide({ transport: 'http', ports });
  const endpoint = transport === 'grpc' ? { otlpEndpoint: `http://127.0.0.1:${ports.grpc}` }
    : transport === 'custom' ? { customExporter: { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} } }
    : { otlpHttpEndpoint: `http://127.0.0.1:${ports.http}` };
  return ractoSide(lib, { ...endpoint, ...extra });
}

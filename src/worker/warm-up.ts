// The worker's warm-up, run once before tracer.ready() resolves: the span path (copy, ids, prices,
// encoding, metrics, sampling) over synthetic batches, so that V8 has compiled it before real
// traffic arrives. Worker only; drain.ts calls it while the worker starts.

import { emptyFields, encodeRecord } from '../shared/codec.js';
import { CACHE_SHIFT, FLAG_ATTRS, FLAG_ERROR, FLAG_PARENT, FLAG_RESPONSE, FLAG_USAGE, OP_CHAT, OP_EMBED, OP_STREAM } from '../shared/layout.js';
import { createRing } from '../shared/ring.js';
import type { MetricsConfig } from '../shared/metrics-config.js';
import type { RecordContext } from '../spans/record.js';
import { takeRange, type TakenRange } from './build.js';
import type { BufferPool } from './buffers.js';
import { TailSampler } from './metrics/sampling.js';
import { SeriesTable } from './metrics/series.js';
import type { OtlpProtoEncoder } from './otlp/index.js';

/**
 * Runs the span path (copy, ids, prices, encoding) over synthetic batches of every kind of record
 * (streams, embeddings, errors, usage, parents, attributes), so that the JIT compiles it before
 * real traffic arrives: at a few batches a second it would otherwise compile for many seconds,
 * on the platform's helper threads, while the tracer is in use.
 */
export function warmUp(encoder: OtlpProtoEncoder, ctx: RecordContext, pool: BufferPool, metrics: MetricsConfig | undefined): void {
  const ring = createRing(WARM_UP_SPANS);
  const r = emptyFields();
  for (let i = 0; i < WARM_UP_SPANS; i++) {
    r.latencyMs = i + 0.25;
    r.inputTokens = i * 7;
    r.outputTokens = i % 5 === 0 ? 0 : i * 3;
    r.toolCalls = i % 3;
    r.flags = (i % 4 === 0 ? OP_STREAM : i % 7 === 0 ? OP_EMBED : OP_CHAT) | (i % 11 === 0 ? FLAG_ERROR : 0) |
      (i % 2 === 0 ? FLAG_USAGE : 0) | (i % 5 === 0 ? FLAG_PARENT : 0) | (i % 3 === 0 ? FLAG_ATTRS : 0) | ((i % 3) << CACHE_SHIFT);
    r.cachedInputTokens = i;
    r.reasoningTokens = i % 3;
    r.ttftMs = i % 4 === 0 ? 0.5 : -1;
    r.trace0 = r.trace1 = r.trace2 = r.trace3 = r.parent0 = r.parent1 = i + 1;
    r.traceFlags = 1;
    // Response fields on some (the wrappers' calls): the id and the port take the extras' path.
    if (i % 6 === 0) {
      r.flags |= FLAG_RESPONSE;
      r.responseId = `warm-up-${i}`;
      r.serverPort = 443;
    }
    encodeRecord(ring, i, r);
  }
  // Through the pool, as real batches go: one set of buffers serves every round.
  // The metrics and the sampler (when on) go through the same code on throwaway instances.
  const table = metrics?.aggregate === true ? new SeriesTable(metrics.labels, metrics.maxSeries) : undefined;
  const sampler = metrics?.sampling === undefined ? undefined : new TailSampler({ ...metrics.sampling, ratio: 0.5 });
  let last: TakenRange | undefined;
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    last?.release();
    last = takeRange(ring, 0, WARM_UP_SPANS, ctx, pool);
    table?.addRecords(last.records, last.length, ctx);
    if (sampler !== undefined && round < WARM_UP_ROUNDS - 1) sampler.sample(last);
    pool.give(encoder.encode(last));
  }
  warmUpKept = last;
}
const WARM_UP_SPANS = 2048;
/**
 * The warm-up's last batch, kept alive on purpose (~320 KB): the optimised copy and encoder refer
 * weakly to objects they were compiled against, and once the first major collection took the
 * warm-up's batches V8 threw that code away and compiled it again (~60-80 ms of CPU on its
 * helper threads) in the middle of real traffic (seen with --trace-deopt: "weak objects").
 */
let warmUpKept: TakenRange | undefined;
const WARM_UP_ROUNDS = 12;

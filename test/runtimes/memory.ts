// Runtime checks, part 1: in-memory mode (records decoded on the calling thread, no workers),
// argument errors, and the stats() books of such a tracer.
import assert from 'node:assert/strict';
import { RactoTracer } from './pkg.js';
import { check } from './harness.js';

/** Prices of our own, so the expected costs are plain arithmetic here. */
export const PRICES = { 'acme-chat': { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 }, 'acme-embed': { inputPerMillion: 0.1, outputPerMillion: 0 } };

export async function memoryChecks(): Promise<void> {
  const tracer = new RactoTracer({ inMemory: true, priceTable: PRICES, attributeKeys: ['tenant'] });
  const before = Date.now();
  const accepted = [
    tracer.recordChatSpan({ provider: 'openai', model: 'acme-chat', latencyMs: 250.5, inputTokens: 1000, cachedInputTokens: 400, outputTokens: 500,
      operation: 'stream', timeToFirstTokenMs: 40, toolCalls: 2, cacheHit: 'semantic', attributes: { tenant: 'acme' } }),
    tracer.recordEmbedSpan({ provider: 'openai', model: 'acme-embed', latencyMs: 12, inputTokens: 3000 }),
    tracer.recordChatSpan({ provider: 'anthropic', model: 'acme-chat', latencyMs: 90, status: 'error', errorType: 'RateLimitError' }),
  ];
  const after = Date.now();

  await check('in-memory: the record calls are accepted and read back at once, in order', () => {
    assert.deepEqual(accepted, [true, true, true]);
    assert.deepEqual(tracer.spans.map((s) => s.name), ['llm.chat', 'llm.embed', 'llm.chat']);
  });

  await check('in-memory: a stream span carries its fields, its cost from our prices, and the end time of the call', () => {
    const s = tracer.spans[0]!;
    assert.deepEqual(
      { provider: s.provider, model: s.model, operation: s.operation, latencyMs: s.latencyMs, inputTokens: s.inputTokens, cachedInputTokens: s.cachedInputTokens,
        outputTokens: s.outputTokens, timeToFirstTokenMs: s.timeToFirstTokenMs, toolCalls: s.toolCalls, cacheHit: s.cacheHit, status: s.status,
        errorType: s.errorType, attributes: s.attributes, priceSource: s.priceSource },
      { provider: 'openai', model: 'acme-chat', operation: 'stream', latencyMs: 250.5, inputTokens: 1000, cachedInputTokens: 400, outputTokens: 500,
        timeToFirstTokenMs: 40, toolCalls: 2, cacheHit: 'semantic', status: 'ok', errorType: null, attributes: { tenant: 'acme' }, priceSource: 'custom' },
    );
    // 600 uncached input at $2/M, 400 cached at $0.5/M, 500 output at $8/M.
    assert.equal(s.costUsd, (600 * 2 + 400 * 0.5 + 500 * 8) / 1e6);
    assert.ok(s.timestamp >= before - 5 && s.timestamp <= after + 5, `timestamp ${s.timestamp} outside [${before}, ${after}]`);
  });

  await check('in-memory: an embedding and a failed call keep their own fields', () => {
    const [, embed, failed] = tracer.spans;
    assert.equal(embed!.operation, 'embed');
    assert.equal(embed!.inputTokens, 3000);
    assert.equal(embed!.costUsd, (3000 * 0.1) / 1e6);
    assert.deepEqual([failed!.status, failed!.errorType, failed!.provider], ['error', 'RateLimitError', 'anthropic']);
  });

  await check('in-memory: bad input throws a RangeError naming the field and the value, and writes nothing', () => {
    assert.throws(() => tracer.recordChatSpan({ provider: 'openai', model: 'acme-chat', latencyMs: -1 }), (err: unknown) =>
      err instanceof RangeError && /call\.latencyMs/.test(err.message) && /-1/.test(err.message));
    assert.throws(() => tracer.recordChatSpan({ provider: 'openai', model: 'acme-chat', latencyMs: 1, inputTokens: 1.5 }), RangeError);
    assert.equal(tracer.spans.length, 3);
  });

  await check('in-memory: stats() counts the three calls exported, the refused ones not at all', () => {
    const st = tracer.stats();
    assert.deepEqual([st.recorded, st.exported, st.dropped, st.failed, st.pending], [3, 3, 0, 0, 0]);
    assert.deepEqual(st.destinations['inMemory'], { exported: 3, failed: 0 });
  });

  await check('in-memory: clearSpans() empties the list, and shutdown() refuses later records as dropped', async () => {
    tracer.clearSpans();
    assert.equal(tracer.spans.length, 0);
    await tracer.shutdown();
    assert.equal(tracer.recordChatSpan({ provider: 'openai', model: 'acme-chat', latencyMs: 1 }), false);
    const st = tracer.stats();
    assert.deepEqual([st.recorded, st.exported, st.dropped, st.droppedByReason.shutdown], [4, 3, 1, 1]);
  });
}

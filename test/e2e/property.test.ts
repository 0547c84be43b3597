// Property: random call objects, valid or not, never crash the worker and never corrupt other
// records. Every call either throws a TypeError/RangeError and writes nothing, or is accepted
// and comes out of a real worker as exactly its own span.
import fc from 'fast-check';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';

// Mostly valid values, sometimes anything at all: most calls pass, many do not.
const valid = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });
const name = valid(fc.oneof(fc.constantFrom('openai', 'anthropic', 'gpt-4o', 'm'), fc.string({ minLength: 1, maxLength: 256 })),
  fc.oneof(fc.string({ minLength: 257, maxLength: 300 }), fc.anything()));
const count = valid(fc.integer({ min: 0, max: 0xffff_ffff }), fc.oneof(fc.double(), fc.bigInt(), fc.anything()));
const millis = valid(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.oneof(fc.double(), fc.anything()));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const callArb = fc.oneof(
  { weight: 9, arbitrary: fc.record({
    provider: name,
    model: name,
    latencyMs: millis,
    inputTokens: maybe(count),
    outputTokens: maybe(count),
    toolCalls: maybe(count),
    cacheHit: maybe(valid(fc.constantFrom('exact', 'semantic', 'miss'), fc.anything())),
    status: maybe(valid(fc.constantFrom('ok', 'error'), fc.anything())),
    errorType: maybe(valid(fc.constantFrom('', null), fc.anything())),
    operation: maybe(valid(fc.constantFrom('chat', 'stream'), fc.anything())),
    junk: maybe(fc.anything()),
  }, { requiredKeys: ['provider', 'model', 'latencyMs'] }) },
  { weight: 1, arbitrary: fc.anything() },
);

/** What the span of an accepted call must carry (the fields a corrupted record would change). */
function expected(c: Record<string, unknown>): string {
  return JSON.stringify([c.provider, c.model, Math.round((c.latencyMs as number) * 100) / 100,
    (c.inputTokens as number | undefined) ?? 0, (c.outputTokens as number | undefined) ?? 0, (c.toolCalls as number | undefined) ?? 0,
    (c.cacheHit as string | undefined) ?? 'miss', (c.operation as string | undefined) ?? 'chat']);
}

function received(s: ReadableSpan): string {
  const a = s.attributes;
  return JSON.stringify([a['llm.provider'], a['llm.model'], a['llm.latency_ms'], a['llm.input_tokens'], a['llm.output_tokens'],
    a['llm.tool_calls'], a['llm.cache_hit'], a['llm.operation']]);
}

describe('random call objects through real workers', () => {
  const exporter = new InMemorySpanExporter();
  // A small ring, so runs wrap it many times; folding strings is tested on its own.
  const tracer = new RactoTracer({ customExporter: exporter, ringCapacity: 256, maxExportBatchSize: 32, workers: 2 });
  let totalAccepted = 0;
  let totalRefused = 0;
  afterAll(() => tracer.shutdown());

  it('either refuses a call cleanly or exports exactly its span; the worker never fails', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(callArb, { maxLength: 60 }), async (calls) => {
        exporter.reset();
        const before = tracer.stats();
        const accepted: string[] = [];
        for (const call of calls) {
          try {
            expect(tracer.recordChatSpan(call as never)).toBe(true);
            accepted.push(expected(call as Record<string, unknown>));
          } catch (err) {
            expect(err instanceof TypeError || err instanceof RangeError).toBe(true);
            totalRefused++;
          }
        }
        await tracer.flush();
        const after = tracer.stats();
        expect(after.recorded - before.recorded).toBe(accepted.length);
        expect(after.exported - before.exported).toBe(accepted.length);
        expect(after.failed).toBe(0);
        expect(after.pending).toBe(0);
        expect(exporter.getFinishedSpans().map(received).sort()).toEqual(accepted.sort());
        totalAccepted += accepted.length;
      }),
      { numRuns: 300 },
    );
    // The generators must exercise both outcomes, or the property says little.
    expect(totalAccepted).toBeGreaterThan(300);
    expect(totalRefused).toBeGreaterThan(300);
    expect(tracer.stats().stringsFolded).toBe(0);
  });
});

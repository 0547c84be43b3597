// Shared by the instrument tests: the built wrappers (what ships), an in-memory tracer, and a
// span-by-span reader.
import { expect } from 'vitest';
import { RactoTracer, type SpanRecord } from '../pkg.js';

export { instrumentAnthropic, instrumentGoogleGenAI, instrumentOpenAI, CANCELLED } from '../../dist/instrument/index.js';

export function memoryTracer(attributeKeys: string[] = []): RactoTracer {
  return new RactoTracer({ inMemory: true, attributeKeys });
}

/** The one span recorded, checked to be the only one. */
export function onlySpan(tracer: RactoTracer): SpanRecord {
  expect(tracer.spans).toHaveLength(1);
  return tracer.spans[0]!;
}

/** Waits until `tracer` holds `n` spans (recording happens when the SDK settles, a tick later). */
export async function spansOf(tracer: RactoTracer, n: number): Promise<SpanRecord[]> {
  for (let i = 0; i < 200 && tracer.spans.length < n; i++) await new Promise((r) => setTimeout(r, 5));
  expect(tracer.spans).toHaveLength(n);
  return tracer.spans;
}

/** The fields every instrumented chat span must have, with a latency measured around the call. */
export function expectTiming(span: SpanRecord, before: number, after: number): void {
  expect(span.latencyMs).toBeGreaterThan(0);
  expect(span.latencyMs).toBeLessThanOrEqual(after - before + 0.01);
}

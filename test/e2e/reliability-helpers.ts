// Helpers of the reliability tests (reliability-load and reliability-outages): the call recorded,
// with its index as input tokens, and checks of the books and of what a receiver got.
import { createServer } from 'node:net';
import { expect } from 'vitest';
import type { TracerStats } from '../pkg.js';
import type { Receiver } from './receivers.js';

export const call = (i: number) => ({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, inputTokens: i });

/** recorded == exported + dropped + failed + pending. */
export function expectSums(s: TracerStats): void {
  expect(s.recorded).toBe(s.exported + s.dropped + s.failed + s.pending);
}

/** Each span the receiver got, by its input tokens (the call's index): every index exactly once. */
export function expectEachOnce(receiver: Receiver, indices: number[]): void {
  const got = receiver.spans.map((s) => s.attributes['llm.input_tokens'] as number).sort((a, b) => a - b);
  expect(got).toEqual([...indices].sort((a, b) => a - b));
}

/** A port on 127.0.0.1 that nothing listens on (a collector that is down). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

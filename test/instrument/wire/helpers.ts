// Shared by the wire capture tests: the built instrumentFetch (what ships), whether this Node
// publishes body chunks on its diagnostics channels, and how two received spans are compared.
import { expect } from 'vitest';
import type { ReceivedSpan } from '../../e2e/receivers.js';

export { instrumentFetch, KNOWN_HOSTS } from '../../../dist/instrument/index.js';

/**
 * How this Node's capture gets the bodies: Node 24 and 26 (undici 7) publish them on the
 * diagnostics channels; Node 20 and 22 (undici 6) do not, and instrumentFetch's fallback copies
 * them from globalThis.fetch's calls. The wire tests run on both paths (CI runs every Node).
 */
export const BODIES_FROM = Number(process.versions.undici?.split('.')[0] ?? 0) >= 7 ? 'channels' : 'fetch fallback';

/**
 * Attributes that measure time (they differ from one call to the next, not from one recorder to
 * the other), and a stream's chunk count: the wrapper counts the SDK's chunks, the wire capture
 * the body's network chunks (README: what each sees), so both must have it, not the same value.
 */
const TIMED = new Set(['llm.latency_ms', 'gen_ai.response.time_to_first_chunk', 'gen_ai.server.time_to_first_token', 'llm.stream.chunks']);
/** The gaps between chunks: only where a stream came in more than one chunk, which the network decides. */
const GAPS = new Set(['llm.stream.max_chunk_gap_ms', 'llm.stream.time_per_chunk_ms']);

/** The attributes of a span, without the timed ones. */
export function untimed(s: ReceivedSpan): Record<string, unknown> {
  return Object.fromEntries(Object.entries(s.attributes).filter(([k]) => !TIMED.has(k) && !GAPS.has(k)));
}

/** The wire capture's span has the wrapper's attributes, field by field (timings present on both or neither). */
export function expectSameSpan(wire: ReceivedSpan, wrapped: ReceivedSpan, label: string): void {
  expect(wire.name, label).toBe(wrapped.name);
  expect(untimed(wire), label).toEqual(untimed(wrapped));
  for (const k of TIMED) expect(k in wire.attributes, `${label}: ${k}`).toBe(k in wrapped.attributes);
  expect(wire.status, label).toEqual(wrapped.status);
}

/** Waits until `spans` holds `n` (exports arrive after flush; a flush may race the receiver's answer). */
export async function received(spans: ReceivedSpan[], n: number): Promise<ReceivedSpan[]> {
  for (let i = 0; i < 200 && spans.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  return spans;
}

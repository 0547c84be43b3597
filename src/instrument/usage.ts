// Token counts as the wrappers read them from a provider's JSON. Pure. The README's usage
// convention (cached and cache-write tokens are part of inputTokens, reasoning tokens part of
// outputTokens) is applied by each provider's reader, and CallRecord clamps the parts to their
// whole before recording.

/** A token count from a provider's JSON: a non-negative integer, else 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && value >= 0 && value <= 0xffff_ffff ? Math.floor(value) : 0;
}

/** `v` when it is an array, else an empty one (shared: never written). */
export function arrayOr(v: unknown): readonly any[] {
  return Array.isArray(v) ? v : EMPTY;
}

const EMPTY: readonly any[] = Object.freeze([]);

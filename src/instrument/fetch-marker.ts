// One call, one span: the marker that keeps the wire capture off the HTTP requests of a client a
// wrapper already records (instrumentOpenAI, instrumentAnthropic). Main thread.
//
// undici publishes `undici:request:create` synchronously inside fetch(): from the fetch() call
// to the Request's constructor nothing awaits (checked on Node 24 and 26, a fresh connection
// included). So a wrapped client's fetch, replaced once per client by one that raises a depth
// counter around the real call, tells the capture "a wrapper records this one" at no cost per
// call beyond a function call and two increments: no AsyncLocalStorage, no header on the wire.
// The counter lives on globalThis under a registered symbol, so two copies of the package in
// one process (ESM and CJS, two versions) agree.
//
// The AI SDK integration cannot use the counter: the AI SDK awaits between its callback and the
// provider's fetch. It marks the async context instead (markedCalls below): at a model call's start
// it enters a WireMark in an AsyncLocalStorage, which the call's continuations, its retries and
// its provider's fetch inherit, and closes the mark at the call's end. Both sides pay only when
// both exist: the integration marks only while a wire capture is on (`captures`; on Node 20 and 22
// a first AsyncLocalStorage turns on promise hooks for every promise of the process), and the
// capture looks the store up only once an integration made it.

import { AsyncLocalStorage } from 'node:async_hooks';

const KEY = Symbol.for('ractogateway.wire.recordedElsewhere');
const registry = globalThis as unknown as Record<symbol, { depth: number } | undefined>;

/** depth > 0: the request being created belongs to a call a wrapper records. */
export const recordedElsewhere: { depth: number } = (registry[KEY] ??= { depth: 0 });

const MARKED = Symbol.for('ractogateway.wire.markedFetch');

/**
 * Replaces `target[name]` by a function that marks the requests it creates synchronously as
 * recorded by a wrapper: the Stainless clients' own `fetch` (read at every request), the Google
 * client's `apiClient.apiCall` (which calls fetch before its first await; a retry after a backoff
 * is not marked, and shows as its own span). Once per client; a target without it is left alone.
 */
export function markRequests(target: unknown, name: string): void {
  const c = target as Record<string, unknown> | undefined;
  const fetch = c?.[name];
  if (c === undefined || typeof fetch !== 'function' || (fetch as unknown as Record<symbol, unknown>)[MARKED] === true) return;
  const real = fetch as (this: unknown, ...args: unknown[]) => unknown;
  const marked = function (this: unknown, ...args: unknown[]): unknown {
    recordedElsewhere.depth++;
    try {
      return real.apply(this, args);
    } finally {
      recordedElsewhere.depth--;
    }
  };
  Object.defineProperty(marked, MARKED, { value: true });
  try {
    c[name] = marked;
  } catch {
    // A frozen client keeps its fetch: its calls may then be recorded twice under wire capture.
  }
}

/** Runs `fn` with its requests marked as recorded elsewhere (for integrations that call fetch themselves). */
export function withRecordedElsewhere<T>(fn: () => T): T {
  recordedElsewhere.depth++;
  try {
    return fn();
  } finally {
    recordedElsewhere.depth--;
  }
}

/** One model call an integration records: its requests are skipped while `open`. */
export interface WireMark {
  open: boolean;
}

const CALLS = Symbol.for('ractogateway.wire.markedCalls');

interface MarkedCalls {
  /** Undefined until an integration marked a call: the capture then looks nothing up. */
  store: AsyncLocalStorage<WireMark> | undefined;
  /** Wire captures running (instrumentFetch): none, and the integrations mark nothing. */
  captures: number;
}
const calls = globalThis as unknown as Record<symbol, MarkedCalls | undefined>;

export const markedCalls: MarkedCalls = (calls[CALLS] ??= { store: undefined, captures: 0 });

/** The store an integration enters its marks in, made at its first mark. */
export function markStore(): AsyncLocalStorage<WireMark> {
  return (markedCalls.store ??= new AsyncLocalStorage<WireMark>());
}

/** The request being created belongs to a model call an integration records (the store exists). */
export function inMarkedCall(store: AsyncLocalStorage<WireMark>): boolean {
  return store.getStore()?.open === true;
}

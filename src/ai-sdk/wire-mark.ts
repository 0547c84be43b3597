// The AI SDK integration's side of "one call, one span" under the wire capture (instrumentFetch).
// Main thread, inside the integration's callbacks.
//
// A model call's start enters a WireMark in the caller's async context (instrument/fetch-marker.ts).
// The AI SDK calls the start callback synchronously from the function that then awaits the
// provider's call: generateText / streamText / generateObject `await notify(start)` and then call
// doGenerate / doStream (their retries inside the same function), embed and embedMany notify
// onEmbedStart before each doEmbed. So the provider's fetch, a few awaits later, inherits the
// mark; the call's end closes it, so what that context does afterwards (a tool's own request, the
// next step's other work) is captured again. `enterWith` leaves the closed mark in the context:
// its later LLM requests pay a lookup, nothing else. Without a capture running nothing is entered
// (on Node 20 and 22 a first AsyncLocalStorage would put promise hooks on every promise).

import { markedCalls, markStore } from '../instrument/fetch-marker.js';
import type { Operation } from './operations.js';

/** A model call starts: a fresh mark for it, entered (when a wire capture runs). */
export function markCall(op: Operation): void {
  if (markedCalls.captures === 0) return;
  const mark = { open: true };
  op.mark = mark;
  markStore().enterWith(mark);
}

/** The same call again (the AI SDK retrying a stream), or the operation's next embed attempt: its mark, entered. */
export function remark(op: Operation): void {
  if (markedCalls.captures === 0) return;
  markStore().enterWith((op.mark ??= { open: true }));
}

/** The model call ended: its context's later requests are the wire capture's again. */
export function unmark(op: Operation): void {
  const mark = op.mark;
  if (mark === undefined) return;
  mark.open = false;
  op.mark = undefined;
}

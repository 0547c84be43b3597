// The embedding calls of one embed / embedMany operation. Main thread.
//
// The AI SDK reports every doEmbed attempt with onEmbedStart (an embed's one call, each chunk of
// an embedMany, each retry of either, with its own embedCallId), but only an attempt that
// succeeds gets an onEmbedEnd: one that fails and is retried is never closed. One span per chunk,
// its retries included, as for a chat call:
//
//   start a1(values V) ──x (429, retried)      start a2(V) ────────> end a2   one ok span, a1's start to a2's end
//   start b1(values W) ─────────> end b1                                     one ok span
//   start c1(X) ──x   start c2(X) ──x   onError(RetryError)                  one error span, c1's start to the error
//
// - An attempt that ends takes over the older open attempts with the same values (its chunk's
//   failed attempts): its span starts at the first of them. With recordInputs: false the AI SDK
//   hides the values (every attempt shows []), chunks cannot be told apart, and a retried chunk's
//   span starts at its last attempt.
// - When the operation fails (onError), the open attempts nothing took over, grouped by values,
//   are one error span each.
// - Once every chunk has its answer, what is still open was a failed attempt of a chunk whose span
//   is recorded; it is let go with the operation.

import type { CallRecord } from '../instrument/call.js';

interface Attempt {
  readonly id: string;
  readonly call: CallRecord;
  readonly values: ReadonlyArray<string>;
  /** Taken over by a later attempt of the same chunk that ended: its time is in that span. */
  covered: boolean;
}

const NO_VALUES: ReadonlyArray<string> = [];

export class EmbedAttempts {
  /** Open attempts, in the order they started. */
  private readonly open: Attempt[] = [];

  /** No chunk is waiting for an answer: every open attempt is a failed one that a later attempt took over. */
  get settled(): boolean {
    return this.open.every((a) => a.covered);
  }

  start(id: string, call: CallRecord, values: ReadonlyArray<string> | undefined): void {
    this.open.push({ id, call, values: Array.isArray(values) ? values : NO_VALUES, covered: false });
  }

  /** The attempt `id`, which succeeded, with its chunk's earlier failed attempts folded in. */
  end(id: string): CallRecord | undefined {
    const i = this.open.findIndex((a) => a.id === id);
    if (i < 0) return undefined;
    const [ended] = this.open.splice(i, 1);
    if (ended.values.length !== 0) {
      for (let k = 0; k < i; k++) {
        const older = this.open[k];
        if (older.covered || !sameValues(older.values, ended.values)) continue;
        older.covered = true;
        if (older.call.start < ended.call.start) ended.call.start = older.call.start;
      }
    }
    return ended.call;
  }

  /**
   * The operation failed or was cut short (an abort, an eviction): one call per chunk still open,
   * timed from its first attempt. Empties the set.
   */
  unfinished(): CallRecord[] {
    const calls: CallRecord[] = [];
    const seen: Attempt[] = [];
    for (const a of this.open) {
      if (a.covered) continue;
      const first = seen.find((s) => sameValues(s.values, a.values));
      if (first === undefined) {
        seen.push(a);
        calls.push(a.call);
      }
    }
    this.open.length = 0;
    return calls;
  }
}

function sameValues(a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

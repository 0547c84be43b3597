// The AI SDK operations an integration follows, by callId. Main thread.
//
// An operation is `busy` while one of its model calls is in flight and `idle` between them (after
// onStart, between the steps of a generation, after its last call). The integration does not
// listen to onEnd: the AI SDK copies each event for each integration that implements its callback,
// and onEnd's event (every step's result) is the costliest to copy. So an operation that ended
// well simply stays idle until newer ones push it out; only failures and aborts (onError, onAbort)
// remove one at once. Both sets are bounded by options.maxOpenCalls:
// - idle: two generations of at most that many each; when the newer is full, the older is
//   forgotten whole (a FIFO on one Map would make every insertion skip the holes its deletions
//   leave at the front). Forgetting loses nothing: no call of those operations is open, and a later
//   step of one would be followed without its attributes;
// - busy past the bound: the oldest is handed to `evict`, which records its open calls (the AI
//   SDK never ends a stream its consumer abandons without the abortSignal).

import type { CallKind, CallRecord } from '../instrument/call.js';
import type { WireMark } from '../instrument/fetch-marker.js';
import type { EmbedAttempts } from './embeds.js';

export interface Operation {
  readonly kind: CallKind;
  readonly attributes: Readonly<Record<string, string>> | undefined;
  /** Made for a model call the AI SDK reported without an onStart. */
  readonly implicit: boolean;
  /** The model call in flight (the steps of a generation run one after another). */
  call: CallRecord | undefined;
  embeds: EmbedAttempts | undefined;
  /** Open while a model call (or the operation's embeds) is in flight: the wire capture skips its requests. */
  mark: WireMark | undefined;
}

export class Operations {
  private readonly busy = new Map<string, Operation>();
  private idle = new Map<string, Operation>();
  private older = new Map<string, Operation>();
  private readonly max: number;
  private readonly evict: (op: Operation) => void;

  constructor(max: number, evict: (op: Operation) => void) {
    this.max = max;
    this.evict = evict;
  }

  /** onStart: a new operation, idle until its first call. */
  begin(callId: string, op: Operation): void {
    if (this.get(callId) === undefined) this.rest(callId, op);
  }

  /** The operation `callId`, busy from now on; `implicit()` makes one the AI SDK did not announce. */
  busyOp(callId: string, implicit: () => Operation): Operation {
    let op = this.busy.get(callId);
    if (op !== undefined) return op;
    op = this.idleOp(callId);
    if (op !== undefined) this.forget(callId);
    else op = implicit();
    if (this.busy.size >= this.max) {
      const [oldestId, oldest] = this.busy.entries().next().value as [string, Operation];
      this.busy.delete(oldestId);
      this.evict(oldest);
    }
    this.busy.set(callId, op);
    return op;
  }

  get(callId: string): Operation | undefined {
    return this.busy.get(callId) ?? this.idleOp(callId);
  }

  /** The operation has no call in flight any more. */
  rest(callId: string, op: Operation): void {
    this.busy.delete(callId);
    this.older.delete(callId);
    if (this.idle.size >= this.max && !this.idle.has(callId)) {
      this.older = this.idle;
      this.idle = new Map();
    }
    this.idle.set(callId, op);
  }

  /** Removes the operation (it failed or was aborted) and returns it. */
  take(callId: string): Operation | undefined {
    const op = this.get(callId);
    if (op !== undefined) {
      this.busy.delete(callId);
      this.forget(callId);
    }
    return op;
  }

  private idleOp(callId: string): Operation | undefined {
    return this.idle.get(callId) ?? this.older.get(callId);
  }

  private forget(callId: string): void {
    this.idle.delete(callId);
    this.older.delete(callId);
  }
}

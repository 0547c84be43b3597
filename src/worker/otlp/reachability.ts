// Whether an OTLP destination is known down: read from the ends of its export attempts (HTTP and
// gRPC alike, transport.ts), one per destination and worker thread. Worker only.
//
// A destination is down after DOWN_STREAK attempts in a row ended in a way that says nothing is
// there to answer: no connection (refused, reset, DNS), no answer in time, or an answer a proxy
// gives for a backend that is gone (HTTP 502/503/504, gRPC UNAVAILABLE). One such failure may be
// a blip; three in a row, with no answer in between, is not. Any answer (a success, a refusal,
// 429 "slow down") ends the streak: a destination that answers, however slowly, is up.
//
// With a disk spool, a destination that is down gets no live attempts (destinations.ts hands
// its batches straight to the spool, and the batches already retrying give up at their next
// retry); the spool's replay is then the only traffic to it, with its own backoff and jitter,
// and its first success brings the destination back up.

import { unreachable, type Attempt } from './retry.js';

/** Unreachable-type attempt failures in a row that make a destination down. */
export const DOWN_STREAK = 3;

export class Reachability {
  #streak = 0;
  #down = false;
  /** When it went down (performance.now()), for the log line that says how long it was. */
  #since = 0;
  /** The collector's last Retry-After (RetryInfo), as the time (performance.now()) it ends. */
  #retryAt = 0;
  readonly #onChange: (down: boolean, millis: number) => void;

  constructor(onChange: (down: boolean, millis: number) => void = () => {}) {
    this.#onChange = onChange;
  }

  get down(): boolean {
    return this.#down;
  }

  /** What is left of the collector's last Retry-After, in milliseconds. */
  get holdOffMillis(): number {
    return Math.max(0, this.#retryAt - performance.now());
  }

  /** An attempt found nothing there to answer. */
  unreachable(): void {
    if (++this.#streak < DOWN_STREAK || this.#down) return;
    this.#down = true;
    this.#since = performance.now();
    this.#onChange(true, 0);
  }

  /** The collector asked for `ms` of quiet (HTTP Retry-After, gRPC RetryInfo). */
  retryAfter(ms: number): void {
    this.#retryAt = Math.max(this.#retryAt, performance.now() + ms);
  }

  /** An attempt got an answer (any answer). */
  answered(): void {
    this.#streak = 0;
    if (!this.#down) return;
    this.#down = false;
    this.#onChange(false, performance.now() - this.#since);
  }
}

/** Tells `r` how an attempt ended, and passes the attempt on. */
export function seen(r: Reachability | undefined, a: Attempt): Attempt {
  if (r !== undefined) {
    if ('retry' in a && a.retryAfterMs !== undefined) r.retryAfter(a.retryAfterMs);
    if (unreachable(a)) r.unreachable();
    else r.answered();
  }
  return a;
}

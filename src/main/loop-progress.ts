// What the drain loops have done with the published records, read from the control block
// (layout.ts): which records are copied out of the ring (their slots may be written again: hard
// problem 2), which are settled (counted exported or failed), and how often the loops woke. Main
// thread only; the loops write these words, this reads them with Atomics.load.

import { S_IN_FLIGHT, S_OLDEST, S_WAKEUPS, slotWord } from '../shared/layout.js';
import { copiedBelow } from '../shared/ring.js';

export class LoopProgress {
  readonly #control: Int32Array;
  readonly #slots: number;
  /** The writer, for its `write` index: shared index words are read relative to it. */
  readonly #writer: { readonly write: number };

  constructor(control: Int32Array, slots: number, writer: { readonly write: number }) {
    this.#control = control;
    this.#slots = slots;
    this.#writer = writer;
  }

  /** The full record index of a shared index word (they lie within 2^31 of `write`). */
  full(word: number): number {
    const write = this.#writer.write;
    return write + ((word - write) | 0);
  }

  /** Every record below the returned index has been copied out of the ring by its loop. */
  copiedBelow(): number {
    return this.full(copiedBelow(this.#control, this.#slots));
  }

  /**
   * Every record below the returned index is counted: exported or failed. Each slot's S_COPYING
   * is read (in copiedBelow) before its S_IN_FLIGHT: a loop sets S_IN_FLIGHT and S_OLDEST before
   * it clears S_COPYING.
   */
  settledBelow(): number {
    const c = this.#control;
    let low = this.copiedBelow();
    for (let slot = 0; slot < this.#slots; slot++) {
      if (Atomics.load(c, slotWord(slot, S_IN_FLIGHT)) > 0) low = Math.min(low, this.full(Atomics.load(c, slotWord(slot, S_OLDEST))));
    }
    return low;
  }

  /** Times the drain loops have woken from a park, all slots together. */
  wakeups(): number {
    let n = 0;
    for (let slot = 0; slot < this.#slots; slot++) n += Atomics.load(this.#control, slotWord(slot, S_WAKEUPS));
    return n;
  }
}

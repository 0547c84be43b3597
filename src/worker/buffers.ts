// Reused byte buffers for the worker's per-batch data: the copied records, the ids and the
// encoded request. Worker only.
//
// Allocating them fresh for every batch (~1.3 MB per 2,048 spans) cost the worker page faults,
// and their release made V8 count external memory and run major collections (concurrent marking
// on the platform's helper threads) even at a few batches a second. A batch takes buffers when it
// is claimed and gives them back once nothing reads them: the copy and the ids as soon as every
// destination has built its form of the batch, the request once every send (retries included)
// has ended.

export class BufferPool {
  readonly #free: ArrayBuffer[] = [];
  readonly #max: number;

  /** Keeps at most `max` idle buffers; more are left to the garbage collector. */
  constructor(max: number) {
    this.#max = max;
  }

  /** A buffer of at least `size` bytes, not zeroed. */
  take(size: number): Buffer {
    const free = this.#free;
    for (let i = free.length - 1; i >= 0; i--) {
      if (free[i].byteLength >= size) {
        const b = free[i];
        free[i] = free[free.length - 1];
        free.pop();
        return Buffer.from(b, 0, b.byteLength);
      }
    }
    // Rounded up, so that batches of slightly different sizes reuse each other's buffers.
    let capacity = 4096;
    while (capacity < size) capacity *= 2;
    return Buffer.allocUnsafeSlow(capacity);
  }

  /** Returns a buffer from take() (or any view over one); the caller never touches it again. */
  give(b: Uint8Array): void {
    if (this.#free.length < this.#max) this.#free.push(b.buffer as ArrayBuffer);
  }
}

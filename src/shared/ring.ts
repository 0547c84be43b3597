// The record ring's views over one SharedArrayBuffer. Pure; both threads.
// Only the main thread writes records and the header's write index; workers read ranges they
// were handed, after loading the published write index with Atomics.load.

import { RactoError } from '../errors.js';
import {
  ABI_MAGIC,
  C_CLAIM,
  C_WAKE,
  HEADER_BYTES,
  H_CAPACITY,
  H_MAGIC,
  H_RECORD_BYTES,
  H_WRITE,
  EXT_BYTES,
  RECORD_BYTES,
  SIGNALS_BYTES,
  S_COPYING,
  S_COPY_FROM,
  ringBytes,
  slotWord,
} from './layout.js';

export interface RingViews {
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  readonly header: Uint32Array;
  /** The records. */
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  /** The extension rows (layout.ts), row i at word i * EXT_U32; empty in a copy that has none. */
  readonly ext: Uint32Array;
  /** The same bytes (a Buffer: response ids are decoded from it in place). */
  readonly extBytes: Buffer;
  /** The signals rows (layout.ts), row i at u32 word i * SIGNALS_U32; empty in a copy that has none. */
  readonly sig: Uint32Array;
  readonly sigF64: Float64Array;
  readonly sigF32: Float32Array;
  readonly capacity: number;
  readonly mask: number;
}

export function createRing(capacity: number): RingViews {
  const buffer = new SharedArrayBuffer(ringBytes(capacity));
  const header = new Uint32Array(buffer, 0, HEADER_BYTES / 4);
  header[H_CAPACITY] = capacity;
  header[H_RECORD_BYTES] = RECORD_BYTES;
  // Publishes the header: a reader that sees the magic sees capacity and record size.
  Atomics.store(header, H_MAGIC, ABI_MAGIC);
  return ringViews(buffer, capacity);
}

/** Attaches to a ring made by createRing, refusing one of another ABI version. */
export function attachRing(buffer: SharedArrayBuffer): RingViews {
  const header = new Uint32Array(buffer, 0, HEADER_BYTES / 4);
  const magic = Atomics.load(header, H_MAGIC);
  if (magic !== ABI_MAGIC || header[H_RECORD_BYTES] !== RECORD_BYTES) {
    throw new RactoError(
      'RACTO_ERR_ABI_MISMATCH',
      `record ring ABI mismatch: expected magic 0x${ABI_MAGIC.toString(16)} and ${RECORD_BYTES}-byte records, found 0x${magic.toString(16)} and ${header[H_RECORD_BYTES]}`,
    );
  }
  return ringViews(buffer, header[H_CAPACITY]);
}

/**
 * Views over a buffer laid out as a ring: the shared ring (`rows` = capacity), or a worker's
 * private copy of a range (`rows` records, indices below them; their extension rows after them
 * when `ext`, else none; their signals rows after those when `sig`, else none).
 */
export function ringViews(buffer: SharedArrayBuffer | ArrayBuffer, capacity: number, rows = capacity, ext = true, sig = ext): RingViews {
  const extAt = HEADER_BYTES + rows * RECORD_BYTES;
  const extLength = ext ? rows * EXT_BYTES : 0;
  const sigAt = extAt + extLength;
  const sigLength = sig ? rows * SIGNALS_BYTES : 0;
  return {
    sig: new Uint32Array(buffer, sigAt, sigLength / 4),
    sigF64: new Float64Array(buffer, sigAt, sigLength / 8),
    sigF32: new Float32Array(buffer, sigAt, sigLength / 4),
    buffer,
    header: new Uint32Array(buffer, 0, HEADER_BYTES / 4),
    f64: new Float64Array(buffer, HEADER_BYTES, (rows * RECORD_BYTES) / 8),
    u32: new Uint32Array(buffer, HEADER_BYTES, (rows * RECORD_BYTES) / 4),
    ext: new Uint32Array(buffer, extAt, extLength / 4),
    extBytes: Buffer.from(buffer, extAt, extLength),
    capacity,
    mask: capacity - 1,
  };
}

/** Main thread: makes every record below `end` (and every string they use) visible to workers. */
export function publishWrite(ring: RingViews, end: number): void {
  // Publishes records [.., end): a worker's Atomics.load of H_WRITE orders its reads after ours.
  Atomics.store(ring.header, H_WRITE, end >>> 0);
}

/** Worker: true when records below `end` have been published (indices compared mod 2^32). */
export function isPublished(ring: RingViews, end: number): boolean {
  const published = Atomics.load(ring.header, H_WRITE);
  return ((published - (end >>> 0)) | 0) >= 0;
}

/** Wakes every drain loop parked on the control block's C_WAKE word (layout.ts). Both threads. */
export function wakeDrainLoops(control: Int32Array): void {
  Atomics.add(control, C_WAKE, 1);
  Atomics.notify(control, C_WAKE);
}

/**
 * Every record below the returned index (`| 0`, compared by difference) has been copied out of
 * the ring by its drain loop: the claim index, or an announced claim still being copied if lower
 * (layout.ts, "who may reuse a slot"). Both threads: the writer's reclaim, the metrics host's fill.
 */
export function copiedBelow(control: Int32Array, slots: number): number {
  // The claim index first: a claim made after this load starts at or above it.
  let low = Atomics.load(control, C_CLAIM);
  for (let slot = 0; slot < slots; slot++) {
    if (Atomics.load(control, slotWord(slot, S_COPYING)) === 1) {
      const from = Atomics.load(control, slotWord(slot, S_COPY_FROM));
      if (((from - low) | 0) < 0) low = from;
    }
  }
  return low;
}

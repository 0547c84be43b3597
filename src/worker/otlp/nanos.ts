// Times as OTLP writes them: epoch milliseconds (fractional, as the records hold them) turned into
// fixed64 nanoseconds, exactly and without BigInt. Worker only; used by ProtoWriter.nanos
// (proto-writer.ts) and, per batch, by the batch encoder (request.ts: NanoClock).

const TWO_32 = 4_294_967_296;
const TWO_MINUS_32 = 1 / TWO_32; // exact: a division by 2^32 is this multiplication

/**
 * Epoch milliseconds (fractional) as fixed64 nanoseconds at `pos`, exact to the nanosecond
 * (no BigInt): seconds * 1e9 + nanos with every product kept below 2^53. Valid until 2106.
 */
export function putNanos(view: DataView, pos: number, ms: number): void {
  let seconds = Math.floor(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  split64(seconds, nanos);
  view.setUint32(pos, lo64, true);
  view.setUint32(pos + 4, hi64, true);
}

// The halves split64() makes (module variables rather than an object per call).
let lo64 = 0;
let hi64 = 0;

/** seconds * 1e9 + nanos as uint32 halves lo64, hi64, for seconds in [0, 2^32), nanos in [0, 1e9). */
function split64(seconds: number, nanos: number): void {
  // seconds = sHi * 2^16 + sLo, and 1e9 = 15258 * 2^16 + 51712, so
  // sHi * 1e9 = (sHi * 15258 + (sHi * 51712 >>> 16)) * 2^16 + (sHi * 51712 & 0xffff), with
  // sHi * 51712 < 2^32; sLo * 1e9 + nanos < 2^46 is exact in a double.
  const sHi = seconds >>> 16;
  const m = sHi * 51712;
  const y = (seconds & 0xffff) * 1e9 + nanos;
  const yHi = Math.floor(y * TWO_MINUS_32);
  lo64 = (m & 0xffff) * 65536 + (y - yHi * TWO_32);
  hi64 = sHi * 15258 + (m >>> 16) + yHi;
  if (lo64 >= TWO_32) {
    lo64 -= TWO_32;
    hi64 += 1;
  }
}

/**
 * putNanos() for the times of one batch, without its division: nanoseconds are counted from a
 * base second B chosen per batch, ms * 1e6 = B * 1e9 + (ms - B * 1000) * 1e6. Same bits as
 * putNanos, which rounds ms * 1e6 half up to an integer too: for B * 1000 >= 2^40 (any date
 * after 2004) and ms within WINDOW_MS after it, ms - B * 1000 is exact (Sterbenz) and has at
 * most 32 significant bits (ms's ulp is >= 2^-12), so its product with 1e6 (14 bits) is exact.
 * Times outside the window take putNanos.
 */
export class NanoClock {
  #from = Infinity;
  #lo = 0;
  #hi = 0;

  /** Takes a base second some minutes before `ms`, a time of the batch. */
  rebase(ms: number): void {
    const seconds = Math.floor(ms / 1000) - BASE_LEAD_S;
    if (!(seconds * 1000 >= 2 ** 40 && seconds < TWO_32)) {
      this.#from = Infinity;
      return;
    }
    this.#from = seconds * 1000;
    split64(seconds, 0);
    this.#lo = lo64;
    this.#hi = hi64;
  }

  put(view: DataView, pos: number, ms: number): void {
    const d = ms - this.#from;
    if (!(d >= 0 && d < WINDOW_MS)) {
      putNanos(view, pos, ms);
      return;
    }
    const n = Math.round(d * 1e6); // < 2^50
    const nHi = Math.floor(n * TWO_MINUS_32);
    let lo = this.#lo + (n - nHi * TWO_32);
    let hi = this.#hi + nHi;
    if (lo >= TWO_32) {
      lo -= TWO_32;
      hi += 1;
    }
    view.setUint32(pos, lo, true);
    view.setUint32(pos + 4, hi, true);
  }
}
const WINDOW_MS = 2 ** 20; // ~17 minutes
const BASE_LEAD_S = 600; // spans started up to 10 minutes before the batch's first end

// The byte buffer the OTLP JSON transcoder (json.ts) writes into, and the decimal form of
// an unsigned 64-bit integer. Worker only.

/**
 * JSON bytes being written: a growing buffer and a position. The transcoder writes bytes, never
 * strings: a request of thousands of spans as one string would be hundreds of thousands of small
 * string pieces, all alive until the end, which the garbage collector copies over and over.
 */
export class Out {
  buf: Uint8Array;
  pos = 0;
  /**
   * byte(), ascii() and bytes() do not check for room: whoever calls them reserved it first
   * (room(FIELD_ROOM) before each field covers its key, its punctuation and any number).
   */

  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }

  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** ASCII text (names, numbers). */
  ascii(text: string): void {
    for (let i = 0; i < text.length; i++) this.buf[this.pos++] = text.charCodeAt(i);
  }

  /** A few bytes (a key): copied one by one, as TypedArray.set costs more than that on short arrays. */
  bytes(b: Uint8Array): void {
    const o = this.buf;
    let q = this.pos;
    for (let i = 0; i < b.length; i++) o[q++] = b[i];
    this.pos = q;
  }
}

/** Room for one field but its string or bytes: the longest key (26), punctuation, a 24-digit number. */
export const FIELD_ROOM = 64;
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');

/**
 * An unsigned 64-bit integer of two 32-bit halves, in decimal. Above 2^53 it is divided by 10^7
 * limb by limb (four 16-bit limbs; every step stays below 2^53), which costs a fraction of a
 * BigInt's conversion: every span has two such times.
 */
export function u64(hi: number, lo: number): string {
  if (hi < 0x200000) return String(hi * 0x100000000 + lo);
  let a = hi >>> 16;
  let b = hi & 0xffff;
  let c = lo >>> 16;
  let d = lo & 0xffff;
  let out = '';
  while (a !== 0 || b !== 0 || c !== 0 || d !== 0) {
    let r = a % 1e7;
    a = Math.floor(a / 1e7);
    let x = r * 0x10000 + b;
    b = Math.floor(x / 1e7);
    r = x % 1e7;
    x = r * 0x10000 + c;
    c = Math.floor(x / 1e7);
    r = x % 1e7;
    x = r * 0x10000 + d;
    d = Math.floor(x / 1e7);
    r = x % 1e7;
    out = String(r).padStart(7, '0') + out;
  }
  // Above 2^53 there are at least 16 digits: the zeros before the first are the top group's padding.
  let first = 0;
  while (out.charCodeAt(first) === 0x30) first++;
  return out.slice(first);
}


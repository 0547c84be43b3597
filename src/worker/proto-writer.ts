// Protobuf wire-format primitives for the OTLP encoder (otlp-proto.ts, otlp-span.ts). Worker only.
//
// Cost notes, measured on the 2-core VMs this runs on: a JS byte loop costs ~2 ns a byte, while
// TypedArray.set() costs ~25 ns a call whatever the size (a memmove), so anything past ~12 bytes
// is copied with set(); a double or a 32-bit word is one DataView store. Buffers come from
// Buffer.allocUnsafeSlow: not zero-filled (every byte handed out is written first) and one
// ArrayBuffer each, so a finished buffer can be handed to the transport and never touched again.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;
export const tag = (field: number, wire: number): number => (field << 3) | wire;

const TWO_32 = 4_294_967_296;
const utf8 = new TextEncoder();

/** Bytes of the varint of an integer in [0, 2^53); -0 counts as 0. */
export function varintSize(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  let n = 4;
  for (v = Math.floor(v / 0x10000000); v > 0; v = Math.floor(v / 0x80)) n++;
  return n;
}

/** Writes the varint of an integer in [0, 2^53) at `pos`; returns the position after it. */
export function putVarint(b: Uint8Array, pos: number, v: number): number {
  if (v < 0x80) {
    b[pos] = v;
    return pos + 1;
  }
  if (v < 0x10000000) {
    // Below 2^28 the 32-bit operators are exact.
    while (v >= 0x80) {
      b[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[pos] = v;
    return pos + 1;
  }
  while (v >= 0x80) {
    b[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  b[pos] = v;
  return pos + 1;
}

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
  // seconds = sHi * 2^16 + sLo, and 1e9 = 15258 * 2^16 + 51712, so
  // sHi * 1e9 = (sHi * 15258 + (sHi * 51712 >>> 16)) * 2^16 + (sHi * 51712 & 0xffff), with
  // sHi * 51712 < 2^32; sLo * 1e9 + nanos < 2^46 is exact in a double.
  const sHi = seconds >>> 16;
  const m = sHi * 51712;
  const y = (seconds & 0xffff) * 1e9 + nanos;
  const yHi = Math.floor(y / TWO_32);
  let lo = (m & 0xffff) * 65536 + (y - yHi * TWO_32);
  let hi = sHi * 15258 + (m >>> 16) + yHi;
  if (lo >= TWO_32) {
    lo -= TWO_32;
    hi += 1;
  }
  view.setUint32(pos, lo, true);
  view.setUint32(pos + 4, hi, true);
}

/** A growable byte buffer with the protobuf primitives the encoder needs. */
export class ProtoWriter {
  buf: Buffer;
  view: DataView;
  pos = 0;

  constructor(size = 256) {
    this.buf = Buffer.allocUnsafeSlow(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, size);
  }

  /** Starts over in a new buffer of `size` bytes; the old one is left to whoever holds it. */
  renew(size: number): void {
    this.buf = Buffer.allocUnsafeSlow(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, size);
    this.pos = 0;
  }

  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.#grow(n);
  }

  #grow(n: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const old = this.buf;
    const pos = this.pos;
    this.renew(size);
    old.copy(this.buf, 0, 0, pos);
    this.pos = pos;
  }

  // The primitives below do not grow the buffer: callers ensure() room first (a span reserves
  // its maximum once, instead of a check per field).

  byte(v: number): void {
    this.buf[this.pos++] = v;
  }

  varint(v: number): void {
    this.pos = putVarint(this.buf, this.pos, v);
  }

  bytes(src: Uint8Array): void {
    const n = src.length;
    const b = this.buf;
    const p = this.pos;
    if (n > 12) b.set(src, p);
    else for (let i = 0; i < n; i++) b[p + i] = src[i];
    this.pos = p + n;
  }

  /** A length-delimited field whose body is `src` (grows the buffer as needed). */
  lenField(field: number, src: Uint8Array): void {
    this.ensure(src.length + 12);
    this.varint(tag(field, WIRE_LEN));
    this.varint(src.length);
    this.bytes(src);
  }

  double(v: number): void {
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  fixed32(v: number): void {
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  nanos(ms: number): void {
    putNanos(this.view, this.pos, ms);
    this.pos += 8;
  }

  /** A copy of the bytes written since `from` (a plain Uint8Array the writer no longer uses). */
  copy(from = 0): Uint8Array {
    return new Uint8Array(this.buf.subarray(from, this.pos));
  }
}

/** A complete length-delimited string field: tag, length, UTF-8 bytes. */
export function lenFieldBytes(field: number, value: string): Uint8Array {
  const w = new ProtoWriter(value.length * 3 + 16);
  w.lenField(field, utf8.encode(value));
  return w.copy();
}

/** KeyValue.key field (tag, length, bytes). */
export function keyBytes(key: string): Uint8Array {
  return lenFieldBytes(1, key);
}

/** AnyValue{string_value} as a complete KeyValue.value field. */
export function stringValueBytes(v: string): Uint8Array {
  const w = new ProtoWriter(v.length * 3 + 32);
  w.lenField(2, lenFieldBytes(1, v));
  return w.copy();
}

export function utf8Bytes(s: string): Uint8Array {
  return utf8.encode(s);
}

/** Fields written back to back, as one array. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

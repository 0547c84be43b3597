// Protobuf wire-format primitives for the OTLP encoder (request.ts, span.ts). Worker only.
//
// Cost notes, measured on the 2-core VMs this runs on: a JS byte loop costs ~2 ns a byte, while
// TypedArray.set() costs ~25 ns a call whatever the size (a memmove), so anything past ~12 bytes
// is copied with set(); a double or a 32-bit word is one DataView store. Buffers come from
// Buffer.allocUnsafeSlow: not zero-filled (every byte handed out is written first) and one
// ArrayBuffer each, so a finished buffer can be handed to the transport and never touched again.

import type { BufferPool } from '../buffers.js';
import type { AttributeValue } from '@opentelemetry/api';
import { putNanos } from './nanos.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;
export const tag = (field: number, wire: number): number => (field << 3) | wire;

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

/**
 * How a number attribute is written, as the OTel SDK's transformer writes it: int_value when an
 * integer >= 0 (then this is its varint size, 1..8), else double_value (DOUBLE).
 */
export const DOUBLE = 15;
export function numberKind(v: number): number {
  return v >= 0 && Number.isInteger(v) ? varintSize(v) : DOUBLE;
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

/** A growable byte buffer with the protobuf primitives the encoder needs. */
export class ProtoWriter {
  buf: Buffer;
  view: DataView;
  pos = 0;

  /** Where renew() takes its buffers from, when given (the encoder's output; see buffers.ts). */
  readonly #pool: BufferPool | undefined;

  constructor(size = 256, pool?: BufferPool) {
    this.#pool = pool;
    this.buf = Buffer.allocUnsafeSlow(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, size);
  }

  /** Starts over in a new buffer of at least `size` bytes; the old one is left to whoever holds it. */
  renew(size: number): void {
    this.buf = this.#pool?.take(size) ?? Buffer.allocUnsafeSlow(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
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
    // The outgrown buffer is nobody's yet: it goes back to the pool.
    this.#pool?.give(old);
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

/** One KeyValue, appended to `w` as field `field` of the enclosing message. */
export function writeKeyValue(w: ProtoWriter, field: number, key: string, value: AttributeValue): void {
  const k = keyBytes(key);
  w.ensure(k.length + (typeof value === 'string' ? value.length * 3 : 0) + 32);
  if (typeof value === 'string') {
    const v = stringValueBytes(value);
    w.varint(tag(field, WIRE_LEN));
    w.varint(k.length + v.length);
    w.bytes(k);
    w.bytes(v);
    return;
  }
  // AnyValue body: int_value (3, varint), double_value (4, fixed64) or bool_value (2, varint).
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    // Arrays do not occur in our resources; encode them as a string.
    writeKeyValue(w, field, key, JSON.stringify(value));
    return;
  }
  const kind = typeof value === 'number' ? numberKind(value) : 0;
  const anyLen = typeof value === 'boolean' ? 2 : kind === DOUBLE ? 9 : 1 + kind;
  w.varint(tag(field, WIRE_LEN));
  w.varint(k.length + 2 + anyLen);
  w.bytes(k);
  w.varint(tag(2, WIRE_LEN));
  w.varint(anyLen);
  if (typeof value === 'boolean') {
    w.varint(tag(2, WIRE_VARINT));
    w.varint(value ? 1 : 0);
  } else if (kind === DOUBLE) {
    w.varint(tag(4, WIRE_FIXED64));
    w.double(value);
  } else {
    w.varint(tag(3, WIRE_VARINT));
    w.varint(value);
  }
}

/** A complete length-delimited field `field` around `body`. */
export function lenField(field: number, body: Uint8Array): Uint8Array {
  const w = new ProtoWriter(body.length + 16);
  w.lenField(field, body);
  return w.copy();
}

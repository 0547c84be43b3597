// A wire exchange's blob in the content arena (arena.ts; issue 28): what the main thread copied of
// one HTTP exchange with an LLM provider, for a worker to parse. Pure; the main thread writes it
// (writeWireBlob, into the arena's data), a worker reads it back (readWireBlob, from its private
// copy of the blobs). The record's X_WIRE word carries the format, the sse and cut bits and the
// status (layout.ts); the blob carries the bytes:
//
//  blob := u16 n, n bytes   the URL's path without the query (UTF-8)
//          u8 h, h × (u8 n, n bytes name, u16 m, m bytes value)   the response headers kept
//          u32 n, n bytes   the request body as sent (its first bytes, when cut)
//          u32 n, n bytes   the response body as received (its first bytes, when cut)
//
// Numbers little-endian. Nothing here throws on bad input: a blob too short for what it says
// reads as what it holds (the parsers see a cut body).

import { WIRE_FORMATS, type WireExchange } from './wire.js';
import { WIRE_FORMAT_MASK, WIRE_REQUEST_CUT, WIRE_RESPONSE_CUT, WIRE_SSE, WIRE_STATUS_SHIFT } from './layout.js';

/** What the main thread holds of an exchange when it ends: chunks as they passed, not copied yet. */
export interface WireBytes {
  path: string;
  /** Response headers kept, names lower-case: name, value, name, value, … */
  headers: readonly string[];
  request: readonly Uint8Array[];
  requestBytes: number;
  response: readonly Uint8Array[];
  responseBytes: number;
}

const MAX_PATH_BYTES = 0xffff;
const MAX_HEADERS = 0xff;

/** Bytes the blob of `w` takes (the path and headers at most 3 bytes a UTF-16 unit). */
export function wireBlobBytes(w: WireBytes): number {
  let n = 2 + Math.min(MAX_PATH_BYTES, w.path.length * 3) + 1 + 4 + w.requestBytes + 4 + w.responseBytes;
  const headers = Math.min(w.headers.length >>> 1, MAX_HEADERS);
  for (let i = 0; i < headers; i++) n += 1 + Math.min(0xff, w.headers[2 * i].length * 3) + 2 + Math.min(0xffff, w.headers[2 * i + 1].length * 3);
  return n;
}

/**
 * Writes the blob of `w` into `data` at `at` (room for wireBlobBytes(w) bytes checked by the
 * caller); returns its exact length. At most `requestBytes`/`responseBytes` of the chunks are
 * copied. Buffer's own writes (no view, no result object per string): this runs once per
 * exchange on the request path.
 */
export function writeWireBlob(data: Buffer, at: number, w: WireBytes): number {
  let pos = at;
  // Buffer.write never writes part of a character: a string past its limit is cut at one.
  const path = data.write(w.path, pos + 2, Math.min(MAX_PATH_BYTES, w.path.length * 3), 'utf8');
  data.writeUInt16LE(path, pos);
  pos += 2 + path;
  const headers = Math.min(w.headers.length >>> 1, MAX_HEADERS);
  data[pos++] = headers;
  for (let i = 0; i < headers; i++) {
    const name = w.headers[2 * i];
    const n = data.write(name, pos + 1, Math.min(0xff, name.length * 3), 'utf8');
    data[pos] = n;
    pos += 1 + n;
    const value = w.headers[2 * i + 1];
    const v = data.write(value, pos + 2, Math.min(0xffff, value.length * 3), 'utf8');
    data.writeUInt16LE(v, pos);
    pos += 2 + v;
  }
  pos = copyChunks(data, pos, w.request, w.requestBytes);
  pos = copyChunks(data, pos, w.response, w.responseBytes);
  return pos - at;
}

function copyChunks(data: Buffer, at: number, chunks: readonly Uint8Array[], max: number): number {
  let pos = at + 4;
  let left = max;
  for (let i = 0; i < chunks.length && left > 0; i++) {
    const c = chunks[i];
    const n = Math.min(c.length, left);
    data.set(n === c.length ? c : c.subarray(0, n), pos);
    pos += n;
    left -= n;
  }
  data.writeUInt32LE(pos - at - 4, at);
  return pos;
}

/** The X_WIRE word of an exchange. */
export function wireWord(format: number, status: number, sse: boolean, requestCut: boolean, responseCut: boolean): number {
  return ((format & WIRE_FORMAT_MASK) | (sse ? WIRE_SSE : 0) | (requestCut ? WIRE_REQUEST_CUT : 0) | (responseCut ? WIRE_RESPONSE_CUT : 0) |
    ((status & 0xffff) << WIRE_STATUS_SHIFT)) >>> 0;
}

/**
 * The exchange of the blob at [at, at + length) of `bytes` and its X_WIRE word; undefined when the
 * word names no known format. Request and response are views into `bytes`, not copies.
 */
export function readWireBlob(bytes: Uint8Array, at: number, length: number, word: number): WireExchange | undefined {
  const format = WIRE_FORMATS[word & WIRE_FORMAT_MASK];
  if (format === undefined) return undefined;
  const end = Math.min(bytes.length, at + length);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = at;
  const u16 = (): number => (pos + 2 <= end ? buf.readUInt16LE(pos) : 0);
  const text = (n: number): string => {
    const s = buf.toString('utf8', pos, Math.min(end, pos + n));
    pos += n;
    return s;
  };
  let n = u16();
  pos += 2;
  const path = text(n);
  const headerCount = pos < end ? bytes[pos] : 0;
  pos++;
  const headers: [string, string][] = [];
  for (let i = 0; i < headerCount && pos < end; i++) {
    n = bytes[pos++];
    const name = text(n);
    n = u16();
    pos += 2;
    headers.push([name, text(n)]);
  }
  const body = (): Uint8Array => {
    const len = pos + 4 <= end ? buf.readUInt32LE(pos) : 0;
    const from = Math.min(end, pos + 4);
    const to = Math.min(end, from + len);
    pos = to;
    return bytes.subarray(from, to);
  };
  const request = body();
  const response = body();
  return {
    format,
    path,
    status: word >>> WIRE_STATUS_SHIFT,
    sse: (word & WIRE_SSE) !== 0,
    headers,
    request,
    requestCut: (word & WIRE_REQUEST_CUT) !== 0,
    response,
    responseCut: (word & WIRE_RESPONSE_CUT) !== 0,
  };
}

// The disk spool's segment format: described here and nowhere else. Worker only (pure functions
// over bytes; store.ts does the file I/O).
//
// A spool directory holds, besides its lock file (main/spool-lock.ts), segment files:
//
//   <created ms, 13 digits>-<session, 16 hex>-<writer thread id>-<sequence>.seg
//
// The name sorts oldest first, and says which process (its session) and thread hold the file
// now: a worker that adopts a segment renames it into its own name (store.ts). Each worker thread
// appends to segments of its own (no two threads ever write one file); one segment holds the
// requests of one destination, and its header names the session that wrote it. A segment is:
//
//   segment header
//   +--------+---------+----------+-------------------+------------------------+----------+
//   | magic  | version | name len | session           | destination name       | CRC-32   |
//   | u32    | u16     | u16 (N)  | 8 bytes           | N bytes, UTF-8         | of [0,   |
//   | 'RGSP' | 1       |          | (writer process)  | (e.g. otlpHttp)        | 16+N)    |
//   +--------+---------+----------+-------------------+------------------------+----------+
//    0        4         6          8                   16                       16+N
//   then records, appended one after another:
//   +--------+---------+--------+--------+-------------+-------------+---------------------+
//   | magic  | payload | spans  | flags  | CRC-32 of   | CRC-32 of   | payload: one        |
//   | u32    | bytes L | u32    | u32    | the payload | bytes [0,20)| ExportTraceService- |
//   | 'RGRC' | u32     |        |        |             | of this head| Request, uncompressed|
//   +--------+---------+--------+--------+-------------+-------------+---------------------+
//    0        4         8        12       16            20            24                 24+L
//   flags: bit 0 COUNTS   the record carries its batch's top-level accounting (exported/failed/
//                         spooled), not only its destination's (a batch spooled for two
//                         destinations is counted once);
//          bit 1 FOREIGN  recorded by an earlier process, though written by this session (a
//                         replay that delivered part of it and kept the rest);
//          bit 2 SETTLED  replay is done with it (delivered, failed, or kept again elsewhere) and
//                         its spans are counted: whoever reads the segment next (an adopter after
//                         a worker died, the next process) skips it. Set in place when the record
//                         settles: the head's flags and CRC (bytes [12, 24)) rewritten with one
//                         positional write before its spans are counted (synced with the group commit). Replay
//                         settles records in order, so the settled records are a prefix.
//                         Added within version 1: segments written before it simply have no
//                         record marked (a tracer from before it would send marked ones again).
// Integers are little-endian. A record is appended with one write (head and payload) before its
// spans count as spooled, and made durable by the group commit (store.ts, sync.ts): one
// fdatasync per file every SYNC_INTERVAL_MILLIS or SYNC_BYTES, whichever comes first. A crash mid-write leaves a truncated record at the end; a damaged disk, a
// flipped byte. Both are found by the checksums: a record whose head checks but whose payload
// does not (or is cut short) is skipped with its span count known; a head that does not check
// ends the segment's reading (what follows cannot be framed), counted as one corrupt record.
// A record marked SETTLED is not sent again: a worker that dies (or a process that stops) with a
// request in flight leaves that one record unmarked, and it is sent again (at least once).

import * as zlib from 'node:zlib';

export const SEGMENT_MAGIC = 0x50_53_47_52; // 'RGSP' read as little-endian bytes
export const RECORD_MAGIC = 0x43_52_47_52; // 'RGRC'
export const FORMAT_VERSION = 1;
export const SEGMENT_SUFFIX = '.seg';
export const RECORD_HEAD_BYTES = 24;
export const FLAG_COUNTS = 1;
export const FLAG_FOREIGN = 2;
export const FLAG_SETTLED = 4;

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** zlib's own CRC-32 where Node has it (20.15+, 22.2+): native, some 20 times the table loop's speed. */
const nativeCrc = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** CRC-32 (IEEE 802.3, as zlib's) of `b[start, end)`. */
export function crc32(b: Uint8Array, start = 0, end = b.length): number {
  if (nativeCrc !== undefined) return nativeCrc(start === 0 && end === b.length ? b : b.subarray(start, end)) >>> 0;
  return tableCrc32(b, start, end);
}

/** The same CRC-32 by table, for a Node without zlib.crc32. */
export function tableCrc32(b: Uint8Array, start = 0, end = b.length): number {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

export interface SegmentName {
  created: number;
  session: string;
  thread: number;
  seq: number;
}

export function segmentName(n: SegmentName): string {
  return `${String(n.created).padStart(13, '0')}-${n.session}-${n.thread}-${n.seq}${SEGMENT_SUFFIX}`;
}

/** The parts of a segment's file name, or undefined for a file that is not a segment. */
export function parseSegmentName(file: string): SegmentName | undefined {
  const m = /^(\d{13})-([0-9a-f]{16})-(\d+)-(\d+)\.seg$/.exec(file);
  if (m === null) return undefined;
  return { created: Number(m[1]), session: m[2], thread: Number(m[3]), seq: Number(m[4]) };
}

export function segmentHeader(session: string, destination: string): Buffer {
  const name = Buffer.from(destination, 'utf8');
  const b = Buffer.alloc(16 + name.length + 4);
  b.writeUInt32LE(SEGMENT_MAGIC, 0);
  b.writeUInt16LE(FORMAT_VERSION, 4);
  b.writeUInt16LE(name.length, 6);
  b.write(session, 8, 'hex');
  name.copy(b, 16);
  b.writeUInt32LE(crc32(b, 0, 16 + name.length), 16 + name.length);
  return b;
}

/** A record's head; the payload follows it (store.ts writes both with one writev). */
export function recordHead(payload: Uint8Array, spans: number, flags: number): Buffer {
  const b = Buffer.allocUnsafe(RECORD_HEAD_BYTES);
  b.writeUInt32LE(RECORD_MAGIC, 0);
  b.writeUInt32LE(payload.length, 4);
  b.writeUInt32LE(spans, 8);
  b.writeUInt32LE(flags, 12);
  b.writeUInt32LE(crc32(payload), 16);
  b.writeUInt32LE(crc32(b, 0, 20), 20);
  return b;
}

/** One record: head and payload in one buffer. */
export function record(payload: Uint8Array, spans: number, flags: number): Buffer {
  return Buffer.concat([recordHead(payload, spans, flags), payload]);
}

/** The bytes [12, 24) of a record head `head` (its first 24 bytes) with SETTLED set and the head CRC redone. */
export function settledTail(head: Buffer): Buffer {
  const b = Buffer.from(head.subarray(0, RECORD_HEAD_BYTES));
  b.writeUInt32LE(b.readUInt32LE(12) | FLAG_SETTLED, 12);
  b.writeUInt32LE(crc32(b, 0, 20), 20);
  return b.subarray(12);
}

export interface RecordInfo {
  /** Offset of the record's head in the segment. */
  at: number;
  spans: number;
  flags: number;
  /** Payload bytes; the payload starts at at + RECORD_HEAD_BYTES. */
  length: number;
  /** The payload is cut short or fails its checksum: skipped, its spans known. */
  damaged: boolean;
}

export interface ParsedSegment {
  session: string;
  destination: string;
  /** Offset of the first record. */
  start: number;
  records: RecordInfo[];
  /** A record head that does not check (or a head cut short): reading stopped there. */
  brokenTail: boolean;
}

/** Reads a segment's header and the heads of its records; undefined when the header does not check. */
export function parseSegment(b: Buffer): ParsedSegment | undefined {
  if (b.length < 20 || b.readUInt32LE(0) !== SEGMENT_MAGIC || b.readUInt16LE(4) !== FORMAT_VERSION) return undefined;
  const nameLen = b.readUInt16LE(6);
  const start = 16 + nameLen + 4;
  if (b.length < start || b.readUInt32LE(16 + nameLen) !== crc32(b, 0, 16 + nameLen)) return undefined;
  const seg: ParsedSegment = {
    session: b.toString('hex', 8, 16),
    destination: b.toString('utf8', 16, 16 + nameLen),
    start,
    records: [],
    brokenTail: false,
  };
  let at = start;
  while (at < b.length) {
    if (at + RECORD_HEAD_BYTES > b.length || b.readUInt32LE(at) !== RECORD_MAGIC || b.readUInt32LE(at + 20) !== crc32(b, at, at + 20)) {
      seg.brokenTail = true;
      break;
    }
    const length = b.readUInt32LE(at + 4);
    const end = at + RECORD_HEAD_BYTES + length;
    const damaged = end > b.length || b.readUInt32LE(at + 16) !== crc32(b, at + RECORD_HEAD_BYTES, end);
    seg.records.push({ at, spans: b.readUInt32LE(at + 8), flags: b.readUInt32LE(at + 12), length, damaged });
    at = end;
  }
  return seg;
}

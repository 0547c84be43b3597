// The record ring's memory layout: the ABI between the main thread (writer) and the workers
// (readers). Pure constants; imported by both threads. Bump ABI_VERSION on any change: workers
// refuse a ring whose header carries another version.
//
//  ring SharedArrayBuffer
//  +----------------------------+-----------+-----------+-----+-----------------------+
//  | header (64 B)              | record 0  | record 1  | ... | record capacity-1     |
//  +----------------------------+-----------+-----------+-----+-----------------------+
//   u32[0] ABI magic|version     each record is RECORD_BYTES (128 B), slot = index & (capacity-1)
//   u32[1] capacity (records)
//   u32[2] record bytes
//   u32[3] published write index (low 32 bits), stored with Atomics.store at dispatch
//
//  one record, seen as 16 float64 words (F_*) and 32 uint32 words (U_*) over the same bytes
//  byte 0                                   64                                           128
//  +----+-------+------+-------+------+------+-------+-----+----+----+----+----+-----+------+------+----+
//  |end |latency|input |output |cached|cache |reason-|ttft | prv| mdl| err|flag|tools|trace |parent|tfl |attr  |
//  | ms |  ms   |tokens|tokens |input |write |ing    | ms  |  id|  id|  id|  s |     |id x4 |id x2 |    |ids x4|
//  +----+-------+------+-------+------+------+-------+-----+----+----+----+----+-----+------+------+----+------+
//   f64  f64     f64    f64     f64    f64    f64     f64   u32  u32  u32  u32  u32   u32x4  u32x2  u32  u32x4
//
//  `end` is performance.now() on the main thread at record time; workers add the main thread's
//  performance.timeOrigin (sent once in workerData) to get epoch milliseconds. `ttft` is -1 when
//  unknown. `attr` holds the string ids of the call's attributes, in the order of the tracer's
//  attributeKeys; 0 means absent.

export const ABI_VERSION = 2;
export const ABI_MAGIC = 0x52_41_00_00 | ABI_VERSION; // 'RA' + version

export const HEADER_BYTES = 64;
export const RECORD_BYTES = 128;
export const RECORD_F64 = RECORD_BYTES / 8;
export const RECORD_U32 = RECORD_BYTES / 4;

// header words (u32)
export const H_MAGIC = 0;
export const H_CAPACITY = 1;
export const H_RECORD_BYTES = 2;
export const H_WRITE = 3;

// float64 words of a record
export const F_END = 0;
export const F_LATENCY = 1;
export const F_INPUT = 2;
export const F_OUTPUT = 3;
export const F_CACHED_INPUT = 4;
export const F_CACHE_WRITE = 5;
export const F_REASONING = 6;
export const F_TTFT = 7;

// uint32 words of a record
export const U_PROVIDER = 16;
export const U_MODEL = 17;
export const U_ERROR = 18;
export const U_FLAGS = 19;
export const U_TOOLS = 20;
export const U_TRACE = 21; // 4 words, trace id as big-endian 32-bit chunks
export const U_PARENT = 25; // 2 words, parent span id
export const U_TRACE_FLAGS = 27;
export const U_ATTRS = 28; // MAX_ATTRIBUTE_KEYS words
export const MAX_ATTRIBUTE_KEYS = 4;

// bits of U_FLAGS
export const OP_MASK = 0b11;
export const OP_CHAT = 0;
export const OP_STREAM = 1;
export const OP_EMBED = 2;
export const CACHE_SHIFT = 2;
export const CACHE_MASK = 0b11 << CACHE_SHIFT;
export const CACHE_MISS = 0;
export const CACHE_EXACT = 1;
export const CACHE_SEMANTIC = 2;
export const FLAG_ERROR = 1 << 4;
export const FLAG_PARENT = 1 << 5;
/** The usage words (cached, cache-write, reasoning, ttft) are written; unset: 0, 0, 0, -1. */
export const FLAG_USAGE = 1 << 6;
/** The attribute words are written; unset: no attributes. */
export const FLAG_ATTRS = 1 << 7;

export const OPERATIONS = ['chat', 'stream', 'embed'] as const;
export const CACHE_HITS = ['miss', 'exact', 'semantic'] as const;

/** Total bytes of a ring holding `capacity` records. */
export function ringBytes(capacity: number): number {
  return HEADER_BYTES + capacity * RECORD_BYTES;
}

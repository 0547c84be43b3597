// The content arena: where a call's captured content (captureContent) crosses from the main
// thread to the workers, as bytes in shared memory beside the record ring. Pure; both threads.
// The main thread only copies (main/content-writer.ts); parsing, redaction and truncation happen
// in the workers (worker/content/). Its header carries its own ABI version; bump it on any change
// to the layout or to the blob format below.
//
//  arena SharedArrayBuffer
//  +------------------+---------------------------------------------------------------+
//  | header (64 B)    | data: ARENA size bytes, blobs laid end to end, never wrapped   |
//  |  u32[0] magic    |  [ .. free .. | blob r | blob r+1 | ... | blob w | .. free .. ] |
//  |  u32[1] size     |                 ^ oldest blob a loop may still copy  ^ next write|
//  +------------------+---------------------------------------------------------------+
//
// A record with FLAG_CONTENT holds its blob's offset in data and its length (layout.ts
// U_CONTENT_AT, U_CONTENT_LEN). Blobs are written in record order; a blob that does not fit
// before the end of data starts again at offset 0 (the tail is skipped), so a blob is always one
// contiguous range. Its bytes are written before the record is published (ring.ts publishWrite),
// so a loop that sees the record sees its blob.
//
// Reclaiming space follows the ring's slot-reuse rule exactly (layout.ts, "who may reuse a
// slot"): a drain loop copies the blobs of the records it claimed while its S_COPYING is set, so
// the bytes of a record may be reused once that record is below copiedBelow(). The main thread
// keeps, per record with content, where its blob ends, and frees everything up to the end of the
// newest blob whose record is copied. When a call's content does not fit, the call is recorded
// without it and counted (stats().contentDropped.arenaFull): the request path never waits.
//
// ---- blob format ----
//
//  blob    := section*                                at most one section per category, in order
//  section := u8 category (CAT_*), value
//  value   := T_NULL | T_FALSE | T_TRUE
//           | T_NUMBER f64                            little-endian, like every number below
//           | T_STRING u32 n, n bytes of UTF-8
//           | T_CUT u32 n, u32 full, n bytes          a string cut at the copy limit: its first n
//                                                     bytes of full (no partial character)
//           | T_WORD u8 code                          WORDS[code], a common short string
//           | T_ARRAY u32 count, value*count
//           | T_OBJECT u32 count, (key value)*count   key := u8 code < KEY_STRING: KEYS[code],
//                                                     or KEY_STRING u32 n, n bytes of UTF-8
//           | T_MESSAGE u8 has, role [name] [finish] parts
//                                                     { role, parts, name?, finish_reason? }: the
//                                                     values in this order, name when has & 1,
//                                                     finish when has & 2 (the common message in
//                                                     a few bytes and writes, not an object's)
//           | T_TEXT content                          { type: 'text', content } (the common part)
//           | T_ARRAY_REVERSED u32 count, value*count an array written last item first: an input's
//                                                     messages, so that the copy limit spends
//                                                     itself on the latest turns
//
// The value of a section is the attribute's JSON value: for CAT_INPUT and CAT_OUTPUT an array of
// messages, for CAT_SYSTEM an array of parts, for CAT_TOOLS an array of tool definitions (the
// GenAI semantic conventions' shapes, see src/messages.ts).
//
// A record with FLAG_WIRE (issue 28, instrumentFetch) points at a wire blob instead: the bytes of
// one HTTP exchange, in the format of wire-blob.ts. It is written, reclaimed and copied out exactly
// as a content blob is.

import { RactoError } from '../errors.js';

export const ARENA_VERSION = 2;
export const ARENA_MAGIC = 0x43_41_00_00 | ARENA_VERSION; // 'CA' + version
export const ARENA_HEADER_BYTES = 64;
const A_MAGIC = 0;
const A_SIZE = 1;

export const CAT_SYSTEM = 1;
export const CAT_INPUT = 2;
export const CAT_OUTPUT = 3;
export const CAT_TOOLS = 4;

export const T_NULL = 0;
export const T_FALSE = 1;
export const T_TRUE = 2;
export const T_NUMBER = 3;
export const T_STRING = 4;
export const T_CUT = 5;
export const T_WORD = 6;
export const T_ARRAY = 7;
export const T_OBJECT = 8;
export const T_MESSAGE = 9;
export const T_TEXT = 10;
export const T_ARRAY_REVERSED = 11;
export const HAS_NAME = 1;
export const HAS_FINISH = 2;

export const KEY_STRING = 0xff;

/** Object keys written as one byte: the messages' own, and JSON Schema's common ones (tool parameters). */
export const KEYS: readonly string[] = Object.freeze([
  'role', 'parts', 'type', 'content', 'id', 'name', 'arguments', 'response', 'finish_reason',
  'description', 'parameters', 'mime_type', 'modality', 'uri', 'file_id',
  'properties', 'required', 'items', 'enum', 'additionalProperties', 'default', 'title', 'format',
]);

/** Short strings written as one byte: roles, part and tool types, finish reasons, JSON Schema types. */
export const WORDS: readonly string[] = Object.freeze([
  'text', 'user', 'assistant', 'system', 'tool', 'developer', 'model',
  'tool_call', 'tool_call_response', 'reasoning', 'blob', 'uri', 'file', 'function',
  'image', 'audio', 'video', 'stop', 'length', 'content_filter', 'error',
  'object', 'string', 'number', 'integer', 'boolean', 'array', 'null',
]);

/** Longest string looked up in WORDS (a lookup hashes the string: long ones are never words). */
export const MAX_WORD_LENGTH = 18;

export interface ArenaViews {
  readonly buffer: SharedArrayBuffer;
  /** The data bytes (after the header). */
  readonly data: Uint8Array;
  readonly size: number;
}

/** A fresh arena with `size` bytes of data. */
export function createArena(size: number): ArenaViews {
  const buffer = new SharedArrayBuffer(ARENA_HEADER_BYTES + size);
  const header = new Uint32Array(buffer, 0, ARENA_HEADER_BYTES / 4);
  header[A_SIZE] = size;
  // Publishes the header: a reader that sees the magic sees the size.
  Atomics.store(header, A_MAGIC, ARENA_MAGIC);
  return { buffer, data: new Uint8Array(buffer, ARENA_HEADER_BYTES, size), size };
}

/** Attaches to an arena made by createArena, refusing one of another version. */
export function attachArena(buffer: SharedArrayBuffer): ArenaViews {
  const header = new Uint32Array(buffer, 0, ARENA_HEADER_BYTES / 4);
  const magic = Atomics.load(header, A_MAGIC);
  if (magic !== ARENA_MAGIC) {
    throw new RactoError('RACTO_ERR_ABI_MISMATCH', `content arena ABI mismatch: expected magic 0x${ARENA_MAGIC.toString(16)}, found 0x${magic.toString(16)}`);
  }
  const size = header[A_SIZE];
  return { buffer, data: new Uint8Array(buffer, ARENA_HEADER_BYTES, size), size };
}

// The record ring's memory layout: the ABI between the main thread (writer) and the workers
// (readers). Pure constants; imported by both threads. Bump ABI_VERSION on any change: workers
// refuse a ring whose header carries another version.
//
//  ring SharedArrayBuffer
//  +-----------------+----------+-----+--------------------+-------------+-----+-----------------------+
//  | header (64 B)   | record 0 | ... | record capacity-1  | extension 0 | ... | extension capacity-1  |
//  +-----------------+----------+-----+--------------------+-------------+-----+-----------------------+
//   u32[0] ABI magic|version     each record is RECORD_BYTES (128 B), slot = index & (capacity-1);
//   u32[1] capacity (records)    each slot also has an extension row of EXT_BYTES (128 B), after
//   u32[2] record bytes          all the records, for what only some calls carry (the response
//   u32[3] published write index fields, the content's place): a record without them never
//          (low 32 bits), stored   touches it, so its pages stay untouched (not resident) until a
//          with Atomics.store by   call has them. Record and extension of a slot are reused together.
//          the main thread when records are due (a batch is full, the delay ran out, a flush):
//          never per record
//
//  one record, seen as 16 float64 words (F_*) and 32 uint32 words (U_*) over the same bytes.
//  Everything a common call writes (no usage breakdown, no trace parent, no attributes) lies in
//  the first 64-byte cache line: the request path touches one line per record, not two.
//
//  line 1  byte 0                                                                            64
//  +--------+---------+--------+--------+-----+-----+-----+-----+-----+------+--------------+
//  | end ms | latency | input  | output | prv | mdl | err | flg | tls | tfl  | parent id x2 |
//  |  f64   |  f64    | tokens | tokens | u32 | u32 | u32 | u32 | u32 | u32  |    u32 x2    |
//  +--------+---------+--------+--------+-----+-----+-----+-----+-----+------+--------------+
//  line 2  byte 64                                                                          128
//  +--------+---------+--------+--------+----------------------+----------------------------+
//  | cached | cache   | reason-| ttft ms| trace id x4          | attribute ids x4           |
//  | input  | write   | ing    |  f64   | u32 x4               | u32 x4                     |
//  +--------+---------+--------+--------+----------------------+----------------------------+
//   written only when FLAG_USAGE      FLAG_PARENT (with tfl, parent id)   FLAG_ATTRS
//
//  one extension row, 32 uint32 words (X_*), written only when FLAG_RESPONSE or FLAG_CONTENT
//  byte 0                                                       32                            128
//  +------+------+------+------+---------+---------+-------+-------+---------------------------+
//  | resp | fin- | srv  | srv  | content | content | wire  | resp  | response id bytes (96 B)  |
//  | mdl  | ish  | addr | port | at      | length  |       | id len|                           |
//  +------+------+------+------+---------+---------+-------+-------+---------------------------+
//   FLAG_RESPONSE: resp mdl .. srv port, resp id len and bytes   FLAG_CONTENT: content at, length
//   FLAG_WIRE: wire (format, sse, cut bits, HTTP status: WIRE_* below), and content at, length
//   locate the exchange's wire blob (arena.ts) instead of a content blob
//
//  one signals row, 32 uint32 words (SG_*), after all the extension rows, written only when
//  FLAG_SIGNALS (issue 32: savings, rate-limit headroom, retry-after, time between chunks); a call
//  without them never touches it (its pages stay untouched until one does)
//  byte 0     4      8      12     16          24          32          40      56       72       88
//  +------+------+------+------+-----------+-----------+-----------+-------+--------+---------+-------+
//  | have | saved| saved| chunk| chunks    | largest   | retry     | spare | remain | limit   | reset |
//  | bits | in   | out  | count| after 1st | gap ms    | after ms  |       | u32 x4 | u32 x4  | f32 x4|
//  |      |      |      |      | ms f64    | f64       | f64       |       |        |         | (s)   |
//  +------+------+------+------+-----------+-----------+-----------+-------+--------+---------+-------+
//   `have` says which are written (SG_HAVE_*; one bit per rate-limit value, kind k at bit
//   SG_HAVE_LIMITS + 3k + 0 remaining, 1 limit, 2 reset): a value not reported stays absent.
//
//  `end` is performance.now() on the main thread at record time; workers add the main thread's
//  performance.timeOrigin (sent once in workerData) to get epoch milliseconds. `ttft` is -1 when
//  unknown. `attr` holds the string ids of the call's attributes, in the order of the tracer's
//  attributeKeys; 0 means absent. The response words hold string ids (0: absent): the answered
//  model, the finish reasons (one interned string, FINISH_SEPARATOR between reasons) and the
//  server address; the port is 0 when absent. The response id is unique per call, so it does not
//  go through the bounded string table (which would fold it): its UTF-8 bytes sit in the row.
//  `content at` / `length` locate the call's captured content in the content arena (arena.ts).
//
//  A wire record (FLAG_WIRE, issue 28: instrumentFetch) is a call whose fields the main thread
//  does not know: it holds the provider, the times, the trace parent, server address and port,
//  and (for a connection error or an abort) the error type; the worker parses the blob
//  (worker/wire-records.ts) and writes what it read (model, tokens, response fields, error) into
//  its private copy of the record before anything else reads it. Strings it learns get ids from
//  the learned-strings table (learned-strings.ts).

import { REDACTION_RULES } from './content-config.js';

export const ABI_VERSION = 6;
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
export const F_CACHED_INPUT = 8;
export const F_CACHE_WRITE = 9;
export const F_REASONING = 10;
export const F_TTFT = 11;

// uint32 words of a record
export const U_PROVIDER = 8;
export const U_MODEL = 9;
export const U_ERROR = 10;
export const U_FLAGS = 11;
export const U_TOOLS = 12;
export const U_TRACE_FLAGS = 13;
export const U_PARENT = 14; // 2 words, parent span id
export const U_TRACE = 24; // 4 words, trace id as big-endian 32-bit chunks
export const U_ATTRS = 28; // MAX_ATTRIBUTE_KEYS words
export const MAX_ATTRIBUTE_KEYS = 4;

// the extension row of a slot: EXT_BYTES after the records, row i at word i * EXT_U32 (the same
// index as record i's first u32 word, RECORD_U32 == EXT_U32)
export const EXT_BYTES = 128;
export const EXT_U32 = EXT_BYTES / 4;
export const X_RESPONSE_MODEL = 0;
export const X_FINISH = 1;
export const X_SERVER = 2;
export const X_SERVER_PORT = 3;
export const X_CONTENT_AT = 4;
export const X_CONTENT_LEN = 5;
/** FLAG_WIRE: the exchange's format, sse and cut bits and HTTP status (WIRE_* below). */
export const X_WIRE = 6;
export const X_RESPONSE_ID_LEN = 7;
/** Byte offset of the response id in an extension row, and the most bytes it may take. */
export const RESPONSE_ID_AT = 32;
export const MAX_RESPONSE_ID_BYTES = EXT_BYTES - RESPONSE_ID_AT;
/** The flags of the records whose extension row is written (FLAG_RESPONSE, FLAG_CONTENT, FLAG_WIRE). */
export const EXT_FLAGS_MASK = (1 << 8) | (1 << 9) | (1 << 10);
// the signals row of a slot: SIGNALS_BYTES after the extension rows, row i at u32 word i * SIGNALS_U32
// (== RECORD_U32, so a record's u32 offset indexes its row) and float64 word i * SIGNALS_F64
export const SIGNALS_BYTES = 128;
export const SIGNALS_U32 = SIGNALS_BYTES / 4;
export const SIGNALS_F64 = SIGNALS_BYTES / 8;
export const SG_HAVE = 0;
export const SG_SAVED_INPUT = 1;
export const SG_SAVED_OUTPUT = 2;
export const SG_CHUNKS = 3;
/** float64 words of the row */
export const SG_F_CHUNKS_AFTER_FIRST = 2;
export const SG_F_MAX_GAP = 3;
export const SG_F_RETRY_AFTER = 4;
/** uint32 words: remaining of kind k at SG_REMAINING + k, limit at SG_LIMIT + k (ratelimit.ts LIMIT_KINDS) */
export const SG_REMAINING = 14;
export const SG_LIMIT = 18;
/** float32 words: seconds until kind k resets */
export const SG_RESET = 22;
export const SG_HAVE_SAVED = 1 << 0;
export const SG_HAVE_CHUNKS = 1 << 1;
export const SG_HAVE_RETRY = 1 << 2;
/** First of the 12 rate-limit bits (kind k, value j: bit SG_HAVE_LIMITS + 3k + j). */
export const SG_HAVE_LIMITS_SHIFT = 3;
export const SG_HAVE_LIMITS = 0xfff << SG_HAVE_LIMITS_SHIFT;

/** Between two finish reasons in their one interned string (U_FINISH). */
export const FINISH_SEPARATOR = '\u001f';

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
/** The extension row's response words (model, finish reasons, server address and port, response id) are written. */
export const FLAG_RESPONSE = 1 << 8;
/** The call's content is in the content arena at X_CONTENT_AT, X_CONTENT_LEN bytes. */
export const FLAG_CONTENT = 1 << 9;
/** A wire exchange: parse me (X_WIRE, and the wire blob at X_CONTENT_AT, X_CONTENT_LEN). */
export const FLAG_WIRE = 1 << 10;

// the X_WIRE word: bits 0-3 the format (WIRE_FORMATS index), then the bits below, bits 16-31
// the HTTP status (0: no response)
export const WIRE_FORMAT_MASK = 0xf;
export const WIRE_SSE = 1 << 4;
export const WIRE_REQUEST_CUT = 1 << 5;
export const WIRE_RESPONSE_CUT = 1 << 6;
export const WIRE_STATUS_SHIFT = 16;

/** The signals row is written (savings, rate limits, retry-after, chunk timing). */
export const FLAG_SIGNALS = 1 << 11;

export const OPERATIONS = ['chat', 'stream', 'embed'] as const;
export const CACHE_HITS = ['miss', 'exact', 'semantic'] as const;

/** Total bytes of a ring holding `capacity` records, their extension rows and their signals rows. */
export function ringBytes(capacity: number): number {
  return HEADER_BYTES + capacity * (RECORD_BYTES + EXT_BYTES + SIGNALS_BYTES);
}

// ---- control block: how the drain loops coordinate, without messages ----
//
//  control SharedArrayBuffer, Int32 words; groups on separate 64-byte cache lines
//  +-------------------------------------------------------------------------------------+
//  | line 0, workers write      C_CLAIM      records below it are claimed by some worker  |
//  |                            C_PROGRESS   +1 after each copy or settle (a blocked      |
//  |                                         writer waits on it)                          |
//  |                            C_SETTLED    +1 after each settle (flush() waits on it)   |
//  |                            C_LOGS       +1 per log line posted to the main thread    |
//  | line 1, main writes        C_WAKE       +1 when the main thread publishes records    |
//  |                                         and a drain loop sleeps (loops wait on it)   |
//  |                            C_STOP       1: shutdown, loops stop after their batches  |
//  |                            C_PRICES     latest price-table version (setPriceTable)   |
//  |                            C_CLOSING    1: shutdown began; a spool takes what the     |
//  |                                         collector does not answer at once             |
//  | line 2, workers write      C_SLEEPERS   drain loops parked on C_WAKE                 |
//  |                            C_METRICS_HOST threadId of the metrics host (metrics/host.ts)|
//  |                            C_METRICS_DONE 1 once the host's last push ended (shutdown)  |
//  |                            C_REPLAYING  spool replay requests in hand (shutdown waits) |
//  | line 3, the clock          K_STATE      0 ticking, 1 parked, 2 stop                  |
//  |                            K_WAKE       +1 to wake a parked ticker                   |
//  |                            K_TICKS      ticker loop iterations (debug counter)       |
//  | lines 4.., one per slot    S_OWNER      threadId of the worker holding the slot, 0   |
//  |   (a worker takes a free   S_COPYING    1 from just before its claim until the copy  |
//  |    slot at start; the      S_COPY_FROM  the claim being copied                       |
//  |    main thread frees the   S_IN_FLIGHT  records claimed and not yet counted          |
//  |    slot of a dead one)     S_OLDEST     start of its oldest uncounted batch          |
//  |                            S_WAKEUPS    drain-loop wake-ups (debug counter)          |
//  +-------------------------------------------------------------------------------------+
//
// Indices in shared words are record indices mod 2^32 (stored `| 0`); a reader compares
// them by difference, which is exact while they lie within 2^31 of each other (the ring
// holds at most 2^22 records).
//
// Who may reuse a slot (hard problem 2): records below min(C_CLAIM, every S_COPY_FROM whose
// S_COPYING is 1) have been copied out by their worker. Which records are settled (flush):
// those below min(C_CLAIM, those S_COPY_FROM, every S_OLDEST whose S_IN_FLIGHT > 0).

export const CONTROL_LINE_WORDS = 16;
export const C_CLAIM = 0;
export const C_PROGRESS = 1;
export const C_SETTLED = 2;
export const C_LOGS = 3;
export const C_WAKE = CONTROL_LINE_WORDS;
export const C_STOP = CONTROL_LINE_WORDS + 1;
export const C_PRICES = CONTROL_LINE_WORDS + 2;
export const C_CLOSING = CONTROL_LINE_WORDS + 3;
export const C_SLEEPERS = 2 * CONTROL_LINE_WORDS;
export const C_METRICS_HOST = 2 * CONTROL_LINE_WORDS + 1;
export const C_METRICS_DONE = 2 * CONTROL_LINE_WORDS + 2;
export const C_REPLAYING = 2 * CONTROL_LINE_WORDS + 3;
export const K_STATE = 3 * CONTROL_LINE_WORDS;
export const K_WAKE = K_STATE + 1;
export const K_TICKS = K_STATE + 2;
export const SLOTS_AT = 4 * CONTROL_LINE_WORDS;
export const S_OWNER = 0;
export const S_COPYING = 1;
export const S_COPY_FROM = 2;
export const S_IN_FLIGHT = 3;
export const S_OLDEST = 4;
export const S_WAKEUPS = 5;

export const CLOCK_TICKING = 0;
export const CLOCK_PARKED = 1;
export const CLOCK_STOP = 2;

/** Worker slots for `workers` threads: room for replacements while a dead one is being freed. */
export function slotCount(workers: number): number {
  return 2 * workers + 2;
}

/** Int32 index of word `word` of slot `slot`. */
export function slotWord(slot: number, word: number): number {
  return SLOTS_AT + slot * CONTROL_LINE_WORDS + word;
}

export function controlBytes(slots: number): number {
  return (SLOTS_AT + slots * CONTROL_LINE_WORDS) * 4;
}

// ---- counters: outcomes the workers count, read by stats() on the main thread ----
//
//  counters SharedArrayBuffer, BigInt64 words (a gateway passes 2^32 spans in hours)
//  +----------+-----------------------------+---------+--------+------------------------------+----------------+
//  | exported | failed by reason            | sampled | spool  | content | per destination i:           | unpriced calls | redactions by |
//  |          | (FAILURE_REASONS order)     | out     | 5 words| failed  | exported, failed             | by model id    | built-in rule |
//  +----------+-----------------------------+---------+--------+---------+------------------------------+----------------+---------------+
//   N_EXPORTED  N_FAILED + r                  N_SAMPLED N_SPOOL  N_CONTENT N_DEST + 2i, N_DEST + 2i + 1  unpricedAt + id  redactionsAt + rule

export const FAILURE_REASONS = ['exportError', 'exportTimeout', 'workerCrash', 'shutdownTimeout', 'rejected', 'tooLarge', 'spoolFull', 'spoolCorrupt'] as const;
export const N_EXPORTED = 0;
export const N_FAILED = 1;
/** Spans left out by tail sampling (droppedByReason.sampled). */
export const N_SAMPLED = N_FAILED + FAILURE_REASONS.length;
// The disk spool's words (worker/spool/), between the sampled count and the destinations:
//   N_SPOOLED        spans of this process on disk now (added when spooled, taken off when
//                    delivered or failed): part of pending
//   N_REPLAYED       spans recorded by an earlier process, delivered from its segments
//   N_REPLAY_FAILED  spans recorded by an earlier process that could not be delivered
//   N_SPOOL_CORRUPT  records skipped for a bad checksum or a truncated tail (any process)
//   N_SPOOL_BYTES    segment bytes on disk now, over every worker
export const N_SPOOL = N_SAMPLED + 1;
export const N_SPOOLED = N_SPOOL;
export const N_REPLAYED = N_SPOOL + 1;
export const N_REPLAY_FAILED = N_SPOOL + 2;
export const N_SPOOL_CORRUPT = N_SPOOL + 3;
export const N_SPOOL_BYTES = N_SPOOL + 4;
/** Spans exported without their captured content: the scrub module failed on it (or never loaded). */
export const N_CONTENT_FAILED = N_SPOOL + 5;
/** Wire exchanges (instrumentFetch) whose bytes could not all be read, by WIRE_PROBLEMS kind. */
export const N_WIRE_PROBLEMS = N_SPOOL + 6;
/** The kinds of N_WIRE_PROBLEMS, in order (shared/wire.ts WireProblem). */
export const WIRE_PROBLEMS = ['cut', 'json', 'sse', 'utf8', 'shape'] as const;
export const N_DEST = N_WIRE_PROBLEMS + WIRE_PROBLEMS.length;

export interface CounterLayout {
  destinations: number;
  /** First word of the unpriced-by-model-id counters. */
  unpricedAt: number;
  /** First word of the redaction counters, one per built-in rule (REDACTION_RULES order). */
  redactionsAt: number;
  words: number;
}

export function counterLayout(destinations: number, maxStrings: number): CounterLayout {
  const unpricedAt = N_DEST + 2 * destinations;
  // Model ids run over the main string table and the learned one (learned-strings.ts): 2 × maxStrings.
  const redactionsAt = unpricedAt + 2 * maxStrings;
  return { destinations, unpricedAt, redactionsAt, words: redactionsAt + REDACTION_RULES.length };
}

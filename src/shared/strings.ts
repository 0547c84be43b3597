// The shared string table: provider, model and error-type strings travel in records as small
// integer ids. Pure; the writer half runs on the main thread, the reader half in workers.
//
//  strings SharedArrayBuffer
//  +------------------+-------------------------------+--------------------------------+
//  | i32[0] count     | u32 offsets[maxStrings + 1]   | UTF-8 bytes, string i at       |
//  | i32[1] max       | (string i = bytes             | [offsets[i], offsets[i+1])     |
//  | i32[2] arena     |  offsets[i]..offsets[i+1])    |                                |
//  +------------------+-------------------------------+--------------------------------+
//
// Bounded: at most maxStrings ids and arenaBytes of text. Once either is full, every new
// string folds into OVERFLOW_ID (rendered as OVERFLOW_STRING) and the writer counts the fold;
// memory never grows with junk names. Bytes of a string are written before its id can appear
// in a record, and records are published with Atomics.store (ring.ts), so a worker that reads a
// record can always read its strings.

export const NONE_ID = 0;
export const OVERFLOW_ID = 1;
export const OVERFLOW_STRING = '__overflow__';
const HEADER_WORDS = 4;
const COUNT = 0;
const MAX = 1;
const ARENA = 2;

export interface StringTableLayout {
  buffer: SharedArrayBuffer;
  maxStrings: number;
  arenaBytes: number;
}

function parts(buffer: SharedArrayBuffer, maxStrings: number) {
  const header = new Int32Array(buffer, 0, HEADER_WORDS);
  const offsets = new Uint32Array(buffer, HEADER_WORDS * 4, maxStrings + 1);
  const arena = new Uint8Array(buffer, (HEADER_WORDS + maxStrings + 1) * 4);
  return { header, offsets, arena };
}

export class StringTableWriter {
  readonly buffer: SharedArrayBuffer;
  /** Number of intern() calls that found the table full and folded into OVERFLOW_ID. */
  folded = 0;
  readonly #ids = new Map<string, number>();
  readonly #header: Int32Array;
  readonly #offsets: Uint32Array;
  readonly #arena: Uint8Array;
  readonly #maxStrings: number;
  readonly #encoder = new TextEncoder();
  #count = 0;

  constructor(maxStrings: number, arenaBytes: number) {
    this.#maxStrings = maxStrings;
    this.buffer = new SharedArrayBuffer((HEADER_WORDS + maxStrings + 1) * 4 + arenaBytes);
    const p = parts(this.buffer, maxStrings);
    this.#header = p.header;
    this.#offsets = p.offsets;
    this.#arena = p.arena;
    this.#header[MAX] = maxStrings;
    this.#header[ARENA] = arenaBytes;
    this.#append('');
    this.#append(OVERFLOW_STRING);
  }

  get size(): number {
    return this.#count;
  }

  /** The id of `s`, adding it when there is room, OVERFLOW_ID (counted) when there is not. */
  intern(s: string): number {
    const id = this.#ids.get(s);
    if (id !== undefined) return id;
    return this.#append(s);
  }

  #append(s: string): number {
    const start = this.#offsets[this.#count];
    if (this.#count >= this.#maxStrings) return this.#fold();
    // Worst case 3 bytes per UTF-16 unit; checking this bound first keeps a failed write from
    // leaving half a string in the arena.
    if (start + s.length * 3 > this.#arena.length) {
      const exact = Buffer.byteLength(s, 'utf8');
      if (start + exact > this.#arena.length) return this.#fold();
    }
    const { written } = this.#encoder.encodeInto(s, this.#arena.subarray(start));
    const id = this.#count;
    this.#offsets[id + 1] = start + written;
    this.#count = id + 1;
    // Publishes the new string; records using `id` are published later (ring.ts publishWrite).
    Atomics.store(this.#header, COUNT, this.#count);
    this.#ids.set(s, id);
    return id;
  }

  #fold(): number {
    this.folded++;
    return OVERFLOW_ID;
  }
}

export class StringTableReader {
  readonly #header: Int32Array;
  readonly #offsets: Uint32Array;
  readonly #arena: Uint8Array;
  readonly #cache: string[] = [];

  constructor(buffer: SharedArrayBuffer) {
    const max = new Int32Array(buffer, 0, HEADER_WORDS)[MAX];
    const p = parts(buffer, max);
    this.#header = p.header;
    this.#offsets = p.offsets;
    this.#arena = p.arena;
  }

  get(id: number): string {
    const hit = this.#cache[id];
    if (hit !== undefined) return hit;
    if (id >= Atomics.load(this.#header, COUNT)) return OVERFLOW_STRING;
    const start = this.#offsets[id];
    const end = this.#offsets[id + 1];
    // Copies out of shared memory before decoding; each id is decoded once per thread.
    const s = Buffer.from(this.#arena.subarray(start, end)).toString('utf8');
    this.#cache[id] = s;
    return s;
  }
}

// The learned-strings table: strings that only a worker knows, because it read them out of a
// wire exchange's bytes (the asked and answered model, the error type, the finish reasons of
// a call captured by instrumentFetch). Pure; written by the workers (and by the calling thread
// of an in-memory tracer), read by every thread. Issue 28's hard problem: the ring carries string
// ids from a table only the main thread writes (strings.ts), and a worker must not wait for the
// main thread to intern what it learned.
//
// Design: a second bounded table in shared memory, beside the main one, whose ids continue the
// main table's id space: learned string n has id `base + n` (base = the main table's maxStrings),
// so an id in a record, a metrics series key or an unpriced counter means the same string in
// every thread, and one lookup (StringsView) serves spans, pricing, metrics labels and SpanData.
// Several workers write it: an append takes a lock word (compare-and-swap, held for the copy of
// one short string, never across an await), and only for a string this thread has not seen yet,
// so a worker pays the lock once per distinct model name, not per call. Bounded like the main
// table (the cardinality rule): at most `max` strings and `bytes` of text, then every new string
// folds into OVERFLOW_ID and the fold is counted in the header (stats().stringsFolded adds it).
//
//  learned SharedArrayBuffer
//  +---------------------------------+------------------------------+--------------------------+
//  | i32[0] count  i32[1] lock       | u32 offsets[max + 1]         | UTF-8 bytes              |
//  | i32[2] max    i32[3] folded     | (string n = bytes offsets[n] |                          |
//  |                                 |  .. offsets[n + 1])          |                          |
//  +---------------------------------+------------------------------+--------------------------+

import { OVERFLOW_ID, OVERFLOW_STRING } from './strings.js';

const HEADER_WORDS = 4;
const COUNT = 0;
const LOCK = 1;
const MAX = 2;
const FOLDED = 3;

/** Bytes of a learned-strings table of `max` strings and `bytes` of text. */
export function learnedStringsBytes(max: number, bytes: number): number {
  return (HEADER_WORDS + max + 1) * 4 + bytes;
}

/** A fresh table (the tracer makes one; every thread attaches to it). */
export function createLearnedStrings(max: number, bytes: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(learnedStringsBytes(max, bytes));
  new Int32Array(buffer, 0, HEADER_WORDS)[MAX] = max;
  return buffer;
}

/** How many learned strings folded into OVERFLOW_ID (the table was full). */
export function learnedFolds(buffer: SharedArrayBuffer): number {
  return Atomics.load(new Int32Array(buffer, 0, HEADER_WORDS), FOLDED);
}

export class LearnedStrings {
  /** Id of learned string 0: the main table's maxStrings. */
  readonly base: number;
  readonly #header: Int32Array;
  readonly #offsets: Uint32Array;
  readonly #text: Uint8Array;
  readonly #max: number;
  /** This thread's view: string -> id, and id - base -> string, for the strings it has read. */
  readonly #ids = new Map<string, number>();
  readonly #byIndex: string[] = [];
  readonly #encoder = new TextEncoder();
  /** Strings below it are in #ids (read or written by this thread). */
  #scanned = 0;

  constructor(buffer: SharedArrayBuffer, base: number) {
    this.base = base;
    this.#header = new Int32Array(buffer, 0, HEADER_WORDS);
    this.#max = this.#header[MAX];
    this.#offsets = new Uint32Array(buffer, HEADER_WORDS * 4, this.#max + 1);
    this.#text = new Uint8Array(buffer, (HEADER_WORDS + this.#max + 1) * 4);
  }

  /** The id of `s`, adding it when it is new and there is room; OVERFLOW_ID (counted) when there is not. */
  intern(s: string): number {
    const known = this.#ids.get(s);
    if (known !== undefined) return known;
    this.#lock();
    try {
      // Another thread may have added it since this one last looked.
      this.#readNew();
      const seen = this.#ids.get(s);
      if (seen !== undefined) return seen;
      return this.#append(s);
    } finally {
      // Releases the lock; the count was published before (#append).
      Atomics.store(this.#header, LOCK, 0);
    }
  }

  /** The string of id `id` (base <= id); OVERFLOW_STRING for an id not written yet. */
  get(id: number): string {
    const n = id - this.base;
    const hit = this.#byIndex[n];
    if (hit !== undefined) return hit;
    if (n < 0 || n >= Atomics.load(this.#header, COUNT)) return OVERFLOW_STRING;
    return this.#read(n);
  }

  #append(s: string): number {
    const n = this.#header[COUNT];
    const start = this.#offsets[n];
    if (n >= this.#max || start + s.length * 3 > this.#text.length && start + Buffer.byteLength(s, 'utf8') > this.#text.length) {
      Atomics.add(this.#header, FOLDED, 1);
      return OVERFLOW_ID;
    }
    const { written } = this.#encoder.encodeInto(s, this.#text.subarray(start));
    this.#offsets[n + 1] = start + written;
    // Publishes string n: a reader that loads the count sees its bytes and offsets.
    Atomics.store(this.#header, COUNT, n + 1);
    this.#ids.set(s, this.base + n);
    this.#byIndex[n] = s;
    this.#scanned = n + 1;
    return this.base + n;
  }

  #readNew(): void {
    const count = Atomics.load(this.#header, COUNT);
    for (let n = this.#scanned; n < count; n++) if (this.#byIndex[n] === undefined) this.#read(n);
    this.#scanned = count;
  }

  #read(n: number): string {
    // Copied out of shared memory before decoding; each string is decoded once per thread.
    const s = Buffer.from(this.#text.subarray(this.#offsets[n], this.#offsets[n + 1])).toString('utf8');
    this.#byIndex[n] = s;
    this.#ids.set(s, this.base + n);
    return s;
  }

  #lock(): void {
    // Held for the copy of one string by one thread: a short spin, never a wait that could stall
    // an event loop for long.
    while (Atomics.compareExchange(this.#header, LOCK, 0, 1) !== 0) {
      // spin
    }
  }
}

/** One lookup over the main table and the learned one (ids from `learned.base` up are learned). */
export class StringsView {
  readonly #main: { get(id: number): string };
  readonly learned: LearnedStrings | undefined;
  readonly #base: number;

  constructor(main: { get(id: number): string }, learned: LearnedStrings | undefined) {
    this.#main = main;
    this.learned = learned;
    this.#base = learned?.base ?? Number.MAX_SAFE_INTEGER;
  }

  get(id: number): string {
    return id >= this.#base ? (this.learned as LearnedStrings).get(id) : this.#main.get(id);
  }
}

// ContentWriter: copies a call's captured content (system, input, output, tools) into the content
// arena as bytes (shared/arena.ts has the layout and the blob format). Main thread only, on the
// request path of a call that carries content while captureContent is on; a tracer without
// captureContent has no ContentWriter and a call without content never gets here.
//
// It validates while it copies (the GenAI shapes of src/messages.ts, JSON data elsewhere): bad
// content throws a TypeError or RangeError naming the field and the value, and nothing written
// counts until commit(), so the arena is left as it was. No JSON, no object per call: the
// shapes' known fields are read and written directly (content-shapes.ts walks them,
// blob-encoder.ts writes the bytes). A message keeps role, parts, name and finish_reason, a tool
// definition type, name, description and parameters, a part of a known type its fields; a part
// of another type keeps all of them.
// Strings past twice maxContentBytes per attribute are cut here (the workers would cut them
// anyway; the copy stays bounded), with their full size kept for the original-size count.
//
// Space is reclaimed as the ring's slots are (arena.ts): a FIFO of (record index, blob end) per
// record with content; every blob whose record the loops have copied out is free.

import { CAT_INPUT, CAT_OUTPUT, CAT_SYSTEM, CAT_TOOLS, type ArenaViews } from '../shared/arena.js';
import type { CaptureCategories } from '../shared/content-config.js';
import { BlobEncoder, FULL } from './blob-encoder.js';
import { ShapeWriter } from './content-shapes.js';

/** The content fields of a record call. */
export interface ContentFields {
  system?: unknown;
  input?: unknown;
  output?: unknown;
  tools?: unknown;
}

export class ContentWriter {
  /** Offset in the arena's data of the blob the last encode() wrote. */
  at = 0;
  private readonly e: BlobEncoder;
  /** Writes the categories' GenAI shapes through `e` (content-shapes.ts). */
  private readonly shapes: ShapeWriter;
  private readonly size: number;
  private readonly capture: CaptureCategories;
  /** Bytes allocated and freed so far (monotonic; offset = head % size after a skip). */
  private head = 0;
  private tail = 0;
  /** `head` when the loops were last asked to take what is written (pressure()). */
  private pushedAt = 0;
  /** Per record with content: its index and where its blob ends (as `head`), oldest first. */
  private readonly fifoIndex: Float64Array;
  private readonly fifoEnd: Float64Array;
  private fifoFirst = 0;
  private fifoCount = 0;
  /** Bytes of the data's end skipped before the blob being written (it starts again at 0). */
  private skip = 0;
  private readonly reclaim: () => number;
  private readonly pressure: () => void;

  /**
   * `capacity`: the ring's (at most that many records hold content at once). `reclaim()` frees
   * ring slots and returns the index below which every record is copied out; `pressure()` makes
   * the records written so far due, so that the loops copy their blobs (and free them) soon.
   */
  constructor(arena: ArenaViews, capture: CaptureCategories, maxContentBytes: number, capacity: number, reclaim: () => number, pressure: () => void) {
    this.e = new BlobEncoder(arena.data);
    this.data = Buffer.from(arena.data.buffer, arena.data.byteOffset, arena.data.byteLength);
    this.shapes = new ShapeWriter(this.e, 2 * maxContentBytes);
    this.size = arena.size;
    this.capture = capture;
    this.fifoIndex = new Float64Array(capacity);
    this.fifoEnd = new Float64Array(capacity);
    this.reclaim = reclaim;
    this.pressure = pressure;
  }

  /**
   * Writes the content of `call` (the categories captured) as one blob at `this.at`: its length,
   * 0 when the call has none, -1 when it does not fit (the caller counts it). Throws on invalid
   * content, leaving the arena as it was. The blob counts once commit() is called.
   */
  encode(call: ContentFields, finishReason: string | undefined): number {
    const c = this.capture;
    const system = c.system ? call.system : undefined;
    const input = c.input ? call.input : undefined;
    const output = c.output ? call.output : undefined;
    const tools = c.tools ? call.tools : undefined;
    if (system === undefined && input === undefined && output === undefined && tools === undefined) return 0;
    // A quarter of the arena written since the loops were last told: publish now, so that they
    // copy those blobs out before the arena fills (records are otherwise due per batch).
    if (this.head - this.pushedAt > this.size / 4) {
      this.pushedAt = this.head;
      this.pressure();
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!this.room(attempt)) continue;
      const start = this.e.pos;
      try {
        if (system !== undefined) this.shapes.section(CAT_SYSTEM, system, 'system', finishReason);
        if (input !== undefined) this.shapes.section(CAT_INPUT, input, 'input', finishReason);
        if (output !== undefined) this.shapes.section(CAT_OUTPUT, output, 'output', finishReason);
        if (tools !== undefined) this.shapes.section(CAT_TOOLS, tools, 'tools', finishReason);
        this.at = start;
        return this.e.pos - start;
      } catch (err) {
        if (err !== FULL) throw err;
      }
    }
    return -1;
  }

  /**
   * Room for `length` raw bytes (a wire exchange's blob, shared/wire-blob.ts): sets `at` to where
   * they go and returns true, or false when they do not fit (the caller counts it). The bytes
   * count once commit() is called.
   */
  reserve(length: number): boolean {
    if (this.head - this.pushedAt > this.size / 4) {
      this.pushedAt = this.head;
      this.pressure();
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!this.room(attempt)) continue;
      if (this.e.limit - this.e.pos >= length) {
        this.at = this.e.pos;
        return true;
      }
    }
    return false;
  }

  /** The arena's data, where reserve()'s room is (a Buffer: wire blobs are written with its methods). */
  readonly data: Buffer;

  /** The blob encode() wrote last belongs to record `index`: it counts from now on. */
  commit(index: number, length: number): void {
    this.head += this.skip + length;
    // At most `capacity` records hold content at once, so the FIFO never overflows.
    const cap = this.fifoIndex.length;
    const at = (this.fifoFirst + this.fifoCount) % cap;
    this.fifoIndex[at] = index;
    this.fifoEnd[at] = this.head;
    this.fifoCount++;
  }

  /** Bytes held by blobs whose records may not all be copied out yet. */
  get used(): number {
    return this.head - this.tail;
  }

  /**
   * Where the next blob goes (pos, limit, skip), for attempt 0, 1, 2: at the write offset; the
   * same after freeing what the loops have copied; at offset 0, skipping the end of the data.
   * False when no attempt is left.
   */
  private room(attempt: number): boolean {
    if (attempt === 1) this.free();
    const size = this.size;
    const offset = this.head % size;
    const free = size - (this.head - this.tail);
    const e = this.e;
    if (attempt < 2) {
      this.skip = 0;
      e.pos = offset;
      e.limit = offset + Math.min(size - offset, free);
      return attempt === 0 || e.limit > e.pos;
    }
    // The used bytes lie before the write offset: the room from 0 to the oldest blob may be larger.
    if (offset === 0 || free <= size - offset) return false;
    this.skip = size - offset;
    e.pos = 0;
    e.limit = free - this.skip;
    return true;
  }

  /** Frees the blobs of every record the loops have copied out. */
  private free(): void {
    const read = this.reclaim();
    const cap = this.fifoIndex.length;
    while (this.fifoCount > 0 && this.fifoIndex[this.fifoFirst] < read) {
      this.tail = this.fifoEnd[this.fifoFirst];
      this.fifoFirst = (this.fifoFirst + 1) % cap;
      this.fifoCount--;
    }
    if (this.fifoCount === 0) this.tail = this.head;
  }
}

// ContentWriter: copies a call's captured content (system, input, output, tools) into the content
// arena as bytes (shared/arena.ts has the layout and the blob format). Main thread only, on the
// request path of a call that carries content while captureContent is on; a tracer without
// captureContent has no ContentWriter and a call without content never gets here.
//
// It validates while it copies (the GenAI shapes of src/messages.ts, JSON data elsewhere): bad
// content throws a TypeError or RangeError naming the field and the value, and nothing written
// counts until commit(), so the arena is left as it was. No JSON, no object per call: each
// string is copied with one Buffer.write (short ones by a loop), common keys and words are one
// byte. Strings past twice maxContentBytes per attribute are cut here (the workers would cut
// them anyway; the copy stays bounded), with their full size kept for the original-size count.
//
// Space is reclaimed as the ring's slots are (arena.ts): a FIFO of (record index, blob end) per
// record with content; every blob whose record the loops have copied out is free.

import { invalidRange, invalidType } from '../errors.js';
import {
  CAT_INPUT, CAT_OUTPUT, CAT_SYSTEM, CAT_TOOLS, KEYS, KEY_STRING, MAX_WORD_LENGTH, T_ARRAY, T_CUT, T_FALSE, T_NULL, T_NUMBER, T_OBJECT, T_STRING,
  T_TRUE, T_WORD, WORDS, type ArenaViews,
} from '../shared/arena.js';
import type { CaptureCategories } from '../shared/content-config.js';

/** The content fields of a record call. */
export interface ContentFields {
  system?: unknown;
  input?: unknown;
  output?: unknown;
  tools?: unknown;
}

const KEY_CODES = new Map(KEYS.map((k, i) => [k, i]));
const WORD_CODES = new Map(WORDS.map((w, i) => [w, i]));
/** Deepest nesting of JSON data accepted (a cycle ends here too). */
export const MAX_CONTENT_DEPTH = 32;
/** Strings up to this length are copied by a loop (a native write costs more below it). */
const SHORT_STRING = 24;
/** Thrown inside the encoder when the blob does not fit where it is being written. */
const FULL: unique symbol = Symbol('arena full');

/** A content field that failed validation, with its path inside the field. */
class Invalid {
  readonly path: (string | number)[] = [];
  constructor(readonly expected: string, readonly value: unknown, readonly range: boolean) {}
}

function invalid(expected: string, value: unknown, range = false): never {
  throw new Invalid(expected, value, range);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class ContentWriter {
  /** Offset in the arena's data of the blob the last encode() wrote. */
  at = 0;
  private readonly data: Uint8Array;
  private readonly buf: Buffer;
  private readonly view: DataView;
  private readonly size: number;
  private readonly capture: CaptureCategories;
  /** String bytes one attribute may copy (2 x maxContentBytes). */
  private readonly copyBudget: number;
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
  /** Of the blob being written: position, end of the room it may take, and a skip before it. */
  private pos = 0;
  private limit = 0;
  private skip = 0;
  private budget = 0;
  private readonly reclaim: () => number;
  private readonly pressure: () => void;

  /**
   * `capacity`: the ring's (at most that many records hold content at once). `reclaim()` frees
   * ring slots and returns the index below which every record is copied out; `pressure()` makes
   * the records written so far due, so that the loops copy their blobs (and free them) soon.
   */
  constructor(arena: ArenaViews, capture: CaptureCategories, maxContentBytes: number, capacity: number, reclaim: () => number, pressure: () => void) {
    this.data = arena.data;
    this.buf = Buffer.from(arena.data.buffer, arena.data.byteOffset, arena.size);
    this.view = new DataView(arena.data.buffer, arena.data.byteOffset, arena.size);
    this.size = arena.size;
    this.capture = capture;
    this.copyBudget = 2 * maxContentBytes;
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
      const start = this.pos;
      try {
        if (system !== undefined) this.section(CAT_SYSTEM, system, 'system', finishReason);
        if (input !== undefined) this.section(CAT_INPUT, input, 'input', finishReason);
        if (output !== undefined) this.section(CAT_OUTPUT, output, 'output', finishReason);
        if (tools !== undefined) this.section(CAT_TOOLS, tools, 'tools', finishReason);
        this.at = start;
        return this.pos - start;
      } catch (err) {
        if (err !== FULL) throw err;
      }
    }
    return -1;
  }

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
    if (attempt < 2) {
      this.skip = 0;
      this.pos = offset;
      this.limit = offset + Math.min(size - offset, free);
      return attempt === 0 || this.limit > this.pos;
    }
    // The used bytes lie before the write offset: the room from 0 to the oldest blob may be larger.
    if (offset === 0 || free <= size - offset) return false;
    this.skip = size - offset;
    this.pos = 0;
    this.limit = free - this.skip;
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

  private section(cat: number, value: unknown, field: 'system' | 'input' | 'output' | 'tools', finishReason: string | undefined): void {
    this.budget = this.copyBudget;
    this.u8(cat);
    try {
      if (field === 'tools') this.tools(value);
      else if (typeof value === 'string') this.shorthand(cat, value, finishReason);
      else if (field === 'system') this.parts(value, 'an array of parts or a string');
      else this.messages(value, cat === CAT_OUTPUT);
    } catch (err) {
      if (err instanceof Invalid) throw toError(`call.${field}`, err);
      throw err;
    }
  }

  /** `system: 'text'`, `input: 'text'`, `output: 'text'`: one text part, in one message for input and output. */
  private shorthand(cat: number, text: string, finishReason: string | undefined): void {
    this.arrayHead(1);
    if (cat !== CAT_SYSTEM) {
      this.objectHead(cat === CAT_OUTPUT ? 3 : 2);
      this.key('role');
      this.word(cat === CAT_OUTPUT ? 'assistant' : 'user');
      this.key('parts');
      this.arrayHead(1);
    }
    this.objectHead(2);
    this.key('type');
    this.word('text');
    this.key('content');
    this.str(text);
    if (cat === CAT_OUTPUT) {
      this.key('finish_reason');
      this.stringValue(finishReason ?? 'stop');
    }
  }

  private messages(value: unknown, output: boolean): void {
    if (!Array.isArray(value)) invalid('an array of messages ({ role, parts }) or a string', value);
    this.arrayHead(value.length);
    for (let i = 0; i < value.length; i++) {
      try {
        this.message(value[i], output);
      } catch (err) {
        if (err instanceof Invalid) err.path.unshift(i);
        throw err;
      }
    }
  }

  private message(m: unknown, output: boolean): void {
    if (!isObject(m)) invalid(output ? 'an output message ({ role, parts, finish_reason })' : 'a message ({ role, parts })', m);
    const at = this.objectHead(0);
    let n = 0;
    for (const key in m) {
      if (!Object.hasOwn(m, key)) continue;
      const v = m[key];
      if (v === undefined) continue;
      try {
        if (key === 'parts') {
          this.key(key);
          this.parts(v, 'an array of parts');
        } else if (key === 'role' || key === 'name' || key === 'finish_reason') {
          if (typeof v !== 'string' && !(v === null && key === 'name')) invalid('a string', v);
          if (key === 'role' && v === '') invalid('a non-empty string', v, true);
          this.key(key);
          if (v === null) this.u8(T_NULL);
          else this.stringValue(v as string);
        } else {
          this.key(key);
          this.value(v, 1);
        }
      } catch (err) {
        if (err instanceof Invalid) err.path.unshift(key);
        throw err;
      }
      n++;
    }
    if (typeof m.role !== 'string') {
      const err = new Invalid('a non-empty string', m.role, false);
      err.path.push('role');
      throw err;
    }
    if (!Array.isArray(m.parts)) {
      const err = new Invalid('an array of parts', m.parts, false);
      err.path.push('parts');
      throw err;
    }
    this.view.setUint32(at, n, true);
  }

  private parts(value: unknown, expected: string): void {
    if (!Array.isArray(value)) invalid(expected, value);
    this.arrayHead(value.length);
    for (let i = 0; i < value.length; i++) {
      try {
        this.part(value[i]);
      } catch (err) {
        if (err instanceof Invalid) err.path.unshift(i);
        throw err;
      }
    }
  }

  /** A part: `type` and, for the known types, their required string field. */
  private part(p: unknown): void {
    if (!isObject(p)) invalid('a part ({ type, ... })', p);
    const type = p.type;
    if (typeof type !== 'string' || type === '') {
      const err = new Invalid('a non-empty string', type, typeof type === 'string');
      err.path.push('type');
      throw err;
    }
    const required = type === 'text' || type === 'reasoning' || type === 'blob' ? 'content'
      : type === 'tool_call' ? 'name' : type === 'uri' ? 'uri' : type === 'file' ? 'file_id' : undefined;
    if (required !== undefined && typeof p[required] !== 'string') {
      const err = new Invalid('a string', p[required], false);
      err.path.push(required);
      throw err;
    }
    this.object(p, 1);
  }

  private tools(value: unknown): void {
    if (!Array.isArray(value)) invalid('an array of tool definitions ({ type, name })', value);
    this.arrayHead(value.length);
    for (let i = 0; i < value.length; i++) {
      const t: unknown = value[i];
      try {
        if (!isObject(t)) invalid('a tool definition ({ type, name })', t);
        for (const key of ['type', 'name'] as const) {
          if (typeof t[key] !== 'string' || t[key] === '') {
            const err = new Invalid('a non-empty string', t[key], typeof t[key] === 'string');
            err.path.push(key);
            throw err;
          }
        }
        this.object(t, 1);
      } catch (err) {
        if (err instanceof Invalid) err.path.unshift(i);
        throw err;
      }
    }
  }

  /** Any JSON data, as JSON.stringify sees it (toJSON, undefined members left out, non-finite numbers null). */
  private value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        this.stringValue(v);
        return;
      case 'number':
        if (Number.isFinite(v)) {
          this.u8(T_NUMBER);
          this.f64(v);
        } else this.u8(T_NULL);
        return;
      case 'boolean':
        this.u8(v ? T_TRUE : T_FALSE);
        return;
      case 'object':
        if (v === null) {
          this.u8(T_NULL);
          return;
        }
        if (depth > MAX_CONTENT_DEPTH) invalid(`JSON data nested at most ${MAX_CONTENT_DEPTH} levels deep (a cycle?)`, v, true);
        if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
          this.value((v as { toJSON(): unknown }).toJSON(), depth + 1);
          return;
        }
        if (Array.isArray(v)) {
          this.arrayHead(v.length);
          for (let i = 0; i < v.length; i++) {
            const e: unknown = v[i];
            try {
              if (e === undefined || typeof e === 'function' || typeof e === 'symbol') this.u8(T_NULL);
              else this.value(e, depth + 1);
            } catch (err) {
              if (err instanceof Invalid) err.path.unshift(i);
              throw err;
            }
          }
          return;
        }
        this.object(v as Record<string, unknown>, depth);
        return;
      case 'bigint':
        return invalid('JSON data (a BigInt is not)', v);
      default:
        return invalid('JSON data', v);
    }
  }

  private object(o: Record<string, unknown>, depth: number): void {
    const at = this.objectHead(0);
    let n = 0;
    for (const key in o) {
      if (!Object.hasOwn(o, key)) continue;
      const v = o[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      this.key(key);
      try {
        this.value(v, depth + 1);
      } catch (err) {
        if (err instanceof Invalid) err.path.unshift(key);
        throw err;
      }
      n++;
    }
    this.view.setUint32(at, n, true);
  }

  // ---- bytes ----

  private u8(v: number): void {
    if (this.pos >= this.limit) throw FULL;
    this.data[this.pos++] = v;
  }

  private u32(v: number): void {
    if (this.pos + 4 > this.limit) throw FULL;
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  private f64(v: number): void {
    if (this.pos + 8 > this.limit) throw FULL;
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  private arrayHead(n: number): void {
    this.u8(T_ARRAY);
    this.u32(n);
  }

  /** Writes an object's head with `n` members; returns where n is, to patch it. */
  private objectHead(n: number): number {
    this.u8(T_OBJECT);
    const at = this.pos;
    this.u32(n);
    return at;
  }

  private key(k: string): void {
    const code = k.length <= MAX_WORD_LENGTH ? KEY_CODES.get(k) : undefined;
    if (code !== undefined) {
      this.u8(code);
      return;
    }
    this.u8(KEY_STRING);
    this.raw(k);
  }

  private word(w: string): void {
    this.u8(T_WORD);
    this.u8(WORD_CODES.get(w) as number);
  }

  /** A string value: one byte when it is a common word, else its bytes. */
  private stringValue(s: string): void {
    const code = s.length <= MAX_WORD_LENGTH ? WORD_CODES.get(s) : undefined;
    if (code !== undefined) {
      this.u8(T_WORD);
      this.u8(code);
    } else this.str(s);
  }

  /** T_STRING (or T_CUT past the attribute's copy budget) and the string's UTF-8 bytes. */
  private str(s: string): void {
    const n = s.length;
    const keep = this.budget;
    if (n * 3 <= keep) {
      this.u8(T_STRING);
      const at = this.pos;
      this.u32(0);
      const written = this.raw0(s);
      this.view.setUint32(at, written, true);
      this.budget -= written;
      return;
    }
    // Near the budget: the exact size decides between whole and cut.
    const full = Buffer.byteLength(s, 'utf8');
    if (full <= keep) {
      this.u8(T_STRING);
      this.u32(full);
      this.bytesOf(s, full);
      this.budget -= full;
      return;
    }
    this.u8(T_CUT);
    const at = this.pos;
    this.u32(0);
    this.u32(full);
    if (this.pos + keep > this.limit) throw FULL;
    // Buffer.write never writes part of a character: `written` may fall short of `keep`.
    const written = keep === 0 ? 0 : this.buf.write(s, this.pos, keep, 'utf8');
    this.pos += written;
    this.view.setUint32(at, written, true);
    this.budget = 0;
  }

  /** A key's bytes with their length (u32), never cut. */
  private raw(s: string): void {
    const at = this.pos;
    this.u32(0);
    this.view.setUint32(at, this.raw0(s), true);
  }

  /** Writes all of `s` at pos (throwing FULL if it may not fit); returns its byte count. */
  private raw0(s: string): number {
    const n = s.length;
    const data = this.data;
    let p = this.pos;
    if (n <= SHORT_STRING && p + n <= this.limit) {
      let i = 0;
      for (; i < n; i++) {
        const ch = s.charCodeAt(i);
        if (ch >= 0x80) break;
        data[p + i] = ch;
      }
      if (i === n) {
        this.pos = p + n;
        return n;
      }
    }
    if (p + n * 3 > this.limit) {
      const full = Buffer.byteLength(s, 'utf8');
      this.bytesOf(s, full);
      return full;
    }
    const written = this.buf.write(s, p, n * 3, 'utf8');
    p += written;
    this.pos = p;
    return written;
  }

  /** Writes the `full` UTF-8 bytes of `s` at pos. */
  private bytesOf(s: string, full: number): void {
    if (this.pos + full > this.limit) throw FULL;
    this.pos += this.buf.write(s, this.pos, full, 'utf8');
  }
}

/** The TypeError or RangeError for an invalid content field, its path rendered after `field`. */
function toError(field: string, e: Invalid): Error {
  let path = field;
  for (const p of e.path) path += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
  return e.range ? invalidRange(path, e.expected, e.value) : invalidType(path, e.expected, e.value);
}

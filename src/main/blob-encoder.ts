// BlobEncoder: the bytes of a content blob (shared/arena.ts has the format): tags, counts, UTF-8
// strings and any JSON data, written straight into the arena between `pos` and `limit`. Main
// thread only, on the request path of a call with content (content-writer.ts finds the room,
// content-shapes.ts walks the shapes).
//
// Measured costs shaped it (bench/content.mjs; these VMs run ~5x slower than a desktop): a Map
// lookup ~25 ns, a for..in with hasOwn ~30 ns a key, a native string write ~250 ns + 0.5 ns a
// byte, a JS byte loop ~5 ns a character. So common keys and words are one byte from constants,
// short ASCII strings are copied by a loop, longer ones by Buffer.write, and objects of unknown
// shape are walked with Object.keys. Past the arena's room it throws FULL (the writer tries
// elsewhere); past the attribute's copy budget a string is cut (T_CUT, its full size kept).

import {
  KEYS, KEY_STRING, MAX_WORD_LENGTH, T_ARRAY, T_CUT, T_FALSE, T_MESSAGE, T_NULL, T_NUMBER, T_OBJECT, T_STRING, T_TEXT, T_TRUE, T_WORD, WORDS,
} from '../shared/arena.js';

/** Thrown when the blob does not fit where it is being written. */
export const FULL: unique symbol = Symbol('arena full');
/** Deepest nesting of JSON data accepted (a cycle ends here too). */
export const MAX_CONTENT_DEPTH = 32;
/** Strings up to this length are copied by a loop (a native write costs more below it). */
const SHORT_STRING = 24;

/**
 * Buffer's own UTF-8 writer: Buffer.prototype.write() calls it after normalising its arguments,
 * which here cost more than the copy itself. Every Node this package supports (20 to 26) has it;
 * should one not, write() stands in.
 */
interface Utf8Writer extends Buffer {
  utf8Write(s: string, offset: number, maxBytes: number): number;
}

function utf8Writer(b: Buffer): Utf8Writer {
  const w = b as Utf8Writer;
  if (typeof w.utf8Write !== 'function') w.utf8Write = (s, offset, maxBytes) => b.write(s, offset, maxBytes, 'utf8');
  return w;
}

const KEY_CODES = new Map(KEYS.map((k, i) => [k, i]));
const WORD_CODES = new Map(WORDS.map((w, i) => [w, i]));
export const key = (k: string): number => KEYS.indexOf(k);
export const word = (w: string): number => WORDS.indexOf(w);
const W_USER = word('user');
const W_ASSISTANT = word('assistant');
const W_TEXT = word('text');
const W_SYSTEM = word('system');
const W_TOOL = word('tool');
const W_STOP = word('stop');
const W_FUNCTION = word('function');

/** The WORDS code of `s`: the commonest by comparison (cheaper than a Map lookup), the rest by lookup. */
function wordCode(s: string): number | undefined {
  if (s === 'user') return W_USER;
  if (s === 'assistant') return W_ASSISTANT;
  if (s === 'text') return W_TEXT;
  if (s === 'system') return W_SYSTEM;
  if (s === 'tool') return W_TOOL;
  if (s === 'stop') return W_STOP;
  if (s === 'function') return W_FUNCTION;
  return s.length <= MAX_WORD_LENGTH ? WORD_CODES.get(s) : undefined;
}

/** A content field that failed validation, with its path inside the field. */
export class Invalid {
  readonly path: (string | number)[] = [];
  constructor(readonly expected: string, readonly value: unknown, readonly range: boolean) {}
}

export function invalid(expected: string, value: unknown, range = false): never {
  throw new Invalid(expected, value, range);
}

/** Prepends `at` to the path of an Invalid passing through, and rethrows whatever it is. */
export function rethrowAt(err: unknown, at: string | number): never {
  if (err instanceof Invalid) err.path.unshift(at);
  throw err;
}

export class BlobEncoder {
  /** Where the next byte goes, and the end of the room the blob may take. */
  pos = 0;
  limit = 0;
  /** String bytes the current attribute may still copy. */
  budget = 0;
  private readonly data: Uint8Array;
  private readonly buf: Utf8Writer;
  private readonly view: DataView;

  constructor(data: Uint8Array) {
    this.data = data;
    this.buf = utf8Writer(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  u8(v: number): void {
    if (this.pos >= this.limit) throw FULL;
    this.data[this.pos++] = v;
  }

  /** Two bytes: a tag and a one-byte code (a key then T_WORD ..., say). */
  pair(a: number, b: number): void {
    const p = this.pos;
    if (p + 2 > this.limit) throw FULL;
    this.data[p] = a;
    this.data[p + 1] = b;
    this.pos = p + 2;
  }

  u32(v: number): void {
    if (this.pos + 4 > this.limit) throw FULL;
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  /** Overwrites the u32 at `at` (a count written before it was known). */
  patch(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  arrayHead(n: number): void {
    this.u8(T_ARRAY);
    this.u32(n);
  }

  /** An object's head with `n` members; returns where n is, to patch it. */
  objectHead(n: number): number {
    this.u8(T_OBJECT);
    const at = this.pos;
    this.u32(n);
    return at;
  }

  /** A known key (its KEYS code), then the word `code` (its WORDS code). */
  keyWord(keyCode: number, wordCode: number): void {
    this.pair(keyCode, T_WORD);
    this.u8(wordCode);
  }

  /** Any key: its code when it is a common one, else its bytes. */
  key(k: string): void {
    const code = k.length <= MAX_WORD_LENGTH ? KEY_CODES.get(k) : undefined;
    if (code !== undefined) {
      this.u8(code);
      return;
    }
    this.u8(KEY_STRING);
    const at = this.pos;
    this.u32(0);
    this.patch(at, this.raw(k));
  }

  /** A short string value that is often a common word (a role, a type): one byte when it is. */
  wordOrString(s: string): void {
    const code = wordCode(s);
    if (code !== undefined) this.pair(T_WORD, code);
    else this.str(s);
  }

  /** A message's head: T_MESSAGE, which optional values follow, and its role. */
  messageHead(has: number, role: string): void {
    this.pair(T_MESSAGE, has);
    this.wordOrString(role);
  }

  /** A text part: T_TEXT and its content. */
  text(content: string): void {
    this.u8(T_TEXT);
    this.str(content);
  }

  /** T_STRING (or T_CUT past the attribute's copy budget) and the string's UTF-8 bytes. */
  str(s: string): void {
    const n = s.length;
    const keep = this.budget;
    if (n * 3 <= keep) {
      const at = this.pos;
      if (at + 5 > this.limit) throw FULL;
      this.data[at] = T_STRING;
      this.pos = at + 5;
      const written = this.raw(s);
      this.view.setUint32(at + 1, written, true);
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
    const written = keep === 0 ? 0 : this.buf.utf8Write(s, this.pos, keep);
    this.pos += written;
    this.patch(at, written);
    this.budget = 0;
  }

  /** Writes all of `s` at pos; returns its byte count. */
  private raw(s: string): number {
    const n = s.length;
    const p = this.pos;
    if (n <= SHORT_STRING && p + n <= this.limit) {
      const data = this.data;
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
    const written = this.buf.utf8Write(s, p, n * 3);
    this.pos = p + written;
    return written;
  }

  /** Writes the `full` UTF-8 bytes of `s` at pos. */
  private bytesOf(s: string, full: number): void {
    if (this.pos + full > this.limit) throw FULL;
    this.pos += this.buf.utf8Write(s, this.pos, full);
  }

  /** Any JSON data, as JSON.stringify sees it (toJSON, undefined members left out, non-finite numbers null). */
  value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        this.str(v);
        return;
      case 'number':
        if (Number.isFinite(v)) {
          if (this.pos + 9 > this.limit) throw FULL;
          this.data[this.pos] = T_NUMBER;
          this.view.setFloat64(this.pos + 1, v, true);
          this.pos += 9;
        } else this.u8(T_NULL);
        return;
      case 'boolean':
        this.u8(v ? T_TRUE : T_FALSE);
        return;
      case 'object':
        if (v === null) this.u8(T_NULL);
        else this.object(v, depth);
        return;
      case 'bigint':
        return invalid('JSON data (a BigInt is not)', v);
      default:
        return invalid('JSON data', v);
    }
  }

  private object(v: object, depth: number): void {
    if (depth > MAX_CONTENT_DEPTH) invalid(`JSON data nested at most ${MAX_CONTENT_DEPTH} levels deep (a cycle?)`, v, true);
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      this.value((v as { toJSON(): unknown }).toJSON(), depth + 1);
      return;
    }
    if (Array.isArray(v)) {
      this.arrayHead(v.length);
      let i = 0;
      try {
        for (; i < v.length; i++) {
          const e: unknown = v[i];
          if (e === undefined || typeof e === 'function' || typeof e === 'symbol') this.u8(T_NULL);
          else this.value(e, depth + 1);
        }
      } catch (err) {
        rethrowAt(err, i);
      }
      return;
    }
    this.members(v as Record<string, unknown>, depth);
  }

  /** Every own enumerable member of `o` that JSON keeps, as an object. */
  members(o: Record<string, unknown>, depth: number): void {
    const keys = Object.keys(o);
    const at = this.objectHead(0);
    let n = 0;
    let k = 0;
    try {
      for (; k < keys.length; k++) {
        const v = o[keys[k]];
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        this.key(keys[k]);
        this.value(v, depth + 1);
        n++;
      }
    } catch (err) {
      rethrowAt(err, keys[k]);
    }
    this.patch(at, n);
  }
}

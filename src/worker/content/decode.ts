// Reads a content blob (shared/arena.ts has its format) back into JSON values, one per category.
// Worker zone (and the calling thread of an in-memory tracer); pure: no thread, no I/O. The bytes
// are the worker's private copy of the blob (worker/build.ts), never the shared arena.

import {
  CAT_INPUT, CAT_OUTPUT, CAT_SYSTEM, CAT_TOOLS, HAS_FINISH, HAS_NAME, KEYS, KEY_STRING, T_ARRAY, T_ARRAY_REVERSED, T_CUT, T_FALSE, T_MESSAGE, T_NULL, T_NUMBER, T_OBJECT, T_STRING, T_TEXT, T_TRUE,
  T_WORD, WORDS,
} from '../../shared/arena.js';

/** What a string cut at the copy limit ends with (and one the truncation cut ends with). */
export const CUT_MARK = '…[truncated]';

export type Category = 'system' | 'input' | 'output' | 'tools';
export const CATEGORY_OF: Readonly<Record<number, Category>> = { [CAT_SYSTEM]: 'system', [CAT_INPUT]: 'input', [CAT_OUTPUT]: 'output', [CAT_TOOLS]: 'tools' };

export interface Section {
  category: Category;
  value: unknown;
  /** Strings the main thread cut at its copy limit, and the bytes of theirs it did not copy. */
  cuts: number;
  unseenBytes: number;
}

// A cut string may end inside a token: a secret whose start alone was copied would escape the
// rules that need all of it, so a cut string loses its unfinished last token (up to
// MAX_PARTIAL_TOKEN characters: a JWT is a few hundred, and a string that is one long token
// keeps the rest).
const MAX_PARTIAL_TOKEN = 4096;
const TOKEN_CHAR = /[\w.+/=@%~-]/;

/** `s` without its last run of token characters (at most MAX_PARTIAL_TOKEN of them). */
export function dropPartialToken(s: string): string {
  let end = s.length;
  const stop = Math.max(0, s.length - MAX_PARTIAL_TOKEN);
  while (end > stop && TOKEN_CHAR.test(s[end - 1])) end--;
  return s.slice(0, end);
}

class Reader {
  pos: number;
  readonly end: number;
  cuts = 0;
  unseen = 0;
  readonly #b: Uint8Array;
  readonly #view: DataView;

  constructor(b: Uint8Array, at: number, length: number) {
    this.#b = b;
    this.#view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.pos = at;
    this.end = at + length;
  }

  u8(): number {
    if (this.pos >= this.end) throw new RangeError('content blob ends early');
    return this.#b[this.pos++];
  }

  u32(): number {
    if (this.pos + 4 > this.end) throw new RangeError('content blob ends early');
    const v = this.#view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  text(n: number): string {
    if (this.pos + n > this.end) throw new RangeError('content blob ends early');
    const s = Buffer.from(this.#b.buffer, this.#b.byteOffset + this.pos, n).toString('utf8');
    this.pos += n;
    return s;
  }

  value(): unknown {
    const t = this.u8();
    switch (t) {
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_NUMBER: {
        if (this.pos + 8 > this.end) throw new RangeError('content blob ends early');
        const v = this.#view.getFloat64(this.pos, true);
        this.pos += 8;
        return v;
      }
      case T_STRING:
        return this.text(this.u32());
      case T_CUT: {
        const n = this.u32();
        const full = this.u32();
        const kept = dropPartialToken(this.text(n));
        this.cuts++;
        this.unseen += full - Buffer.byteLength(kept, 'utf8');
        return kept + CUT_MARK;
      }
      case T_WORD:
        return WORDS[this.u8()];
      case T_ARRAY: {
        const n = this.u32();
        const out: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.value();
        return out;
      }
      case T_OBJECT: {
        const n = this.u32();
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.u8();
          const key = k === KEY_STRING ? this.text(this.u32()) : KEYS[k];
          // A plain data property even for '__proto__' (JSON.parse does the same).
          Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
        }
        return out;
      }
      case T_ARRAY_REVERSED: {
        const n = this.u32();
        const out: unknown[] = new Array(n);
        for (let i = n - 1; i >= 0; i--) out[i] = this.value();
        return out;
      }
      case T_MESSAGE: {
        const has = this.u8();
        const role = this.value();
        const name = (has & HAS_NAME) !== 0 ? this.value() : undefined;
        const finish = (has & HAS_FINISH) !== 0 ? this.value() : undefined;
        const m: Record<string, unknown> = { role, parts: this.value() };
        if (name !== undefined) m.name = name;
        if (finish !== undefined) m.finish_reason = finish;
        return m;
      }
      case T_TEXT:
        return { type: 'text', content: this.value() };
      default:
        throw new RangeError(`content blob: unknown tag ${t}`);
    }
  }
}

/** The sections of the blob at [at, at + length) of `bytes`. Throws a RangeError on a malformed blob. */
export function decodeBlob(bytes: Uint8Array, at: number, length: number): Section[] {
  const r = new Reader(bytes, at, length);
  const out: Section[] = [];
  while (r.pos < r.end) {
    const category = CATEGORY_OF[r.u8()];
    if (category === undefined) throw new RangeError('content blob: unknown category');
    r.cuts = 0;
    r.unseen = 0;
    const value = r.value();
    out.push({ category, value, cuts: r.cuts, unseenBytes: r.unseen });
  }
  return out;
}

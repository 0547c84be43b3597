// Truncation of a content attribute to maxContentBytes that keeps its JSON valid and its shape:
// the texts are shortened, never the structure around them. Worker zone (and the calling thread
// of an in-memory tracer); pure.
//
//   1. The whole value fits: done.
//   2. Else, if the structure alone (everything but the texts) leaves less than a quarter of the
//      budget for text, or less than MIN_TEXT bytes a text, whole items go: the oldest messages
//      of an input (the latest turns are what a reader debugs), the last items of the others.
//   3. The texts share what is left fairly: each keeps up to one cap, the largest that fits
//      (short texts whole, long ones cut to the cap, each cut one ending in CUT_MARK).
// Sizes are UTF-8 bytes of the JSON text, escapes included, so the result is at most `max`.

import { CUT_MARK } from './decode.js';
import { toJson } from './json.js';

export interface Fitted {
  json: string;
  /** Whether anything was left out (here, or at the main thread's copy limit). */
  truncated: boolean;
  /** Bytes of the attribute untruncated (what the main thread did not copy counted as raw text). */
  originalBytes: number;
}

/** String values under these keys are part of the structure: never cut (nor redacted, see builder.ts). */
export const STRUCTURAL_KEYS: ReadonlySet<string> = new Set(['type', 'role', 'finish_reason', 'modality', 'mime_type', 'id', 'name']);

const MARK_BYTES = Buffer.byteLength(CUT_MARK, 'utf8');
/** The least a kept text keeps of itself, when it is longer (a cut text shorter than this says little). */
const MIN_TEXT = 64;
// Characters that are one byte in JSON, unescaped: a string of only these is measured by length.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Bytes of `s` inside a JSON string (without the quotes), as JSON.stringify writes it. */
export function jsonBytes(s: string): number {
  if (PLAIN.test(s)) return s.length;
  return prefixFor(s, Infinity).bytes;
}

/** The longest prefix of `s` whose JSON bytes are at most `limit`, and those bytes. */
function prefixFor(s: string, limit: number): { end: number; bytes: number } {
  let bytes = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let n: number;
    let units = 1;
    if (c < 0x20) n = c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c === 0x22 || c === 0x5c) n = 2;
    else if (c < 0x80) n = 1;
    else if (c < 0x800) n = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n = 4;
      units = 2;
    } else if (c >= 0xd800 && c <= 0xdfff) n = 6; // a lone surrogate: \udxxx
    else n = 3;
    if (bytes + n > limit) break;
    bytes += n;
    i += units - 1;
  }
  return { end: i, bytes };
}

/** `s` cut so that its JSON bytes, CUT_MARK included, are at most `limit`. */
function cut(s: string, limit: number): string {
  const base = s.endsWith(CUT_MARK) ? s.slice(0, -CUT_MARK.length) : s;
  if (limit < MARK_BYTES) return '';
  return base.slice(0, prefixFor(base, limit - MARK_BYTES).end) + CUT_MARK;
}

interface Leaf {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  bytes: number;
}

/** The cuttable strings of `v` (not under STRUCTURAL_KEYS), with their JSON bytes. */
function leavesOf(v: unknown, out: Leaf[]): number {
  let sum = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      if (typeof e === 'string') {
        const bytes = jsonBytes(e);
        out.push({ holder: v, key: i, bytes });
        sum += bytes;
      } else sum += leavesOf(e, out);
    }
  } else if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      const e = o[key];
      if (typeof e === 'string') {
        if (STRUCTURAL_KEYS.has(key)) continue;
        const bytes = jsonBytes(e);
        out.push({ holder: o, key, bytes });
        sum += bytes;
      } else sum += leavesOf(e, out);
    }
  }
  return sum;
}

/** The largest cap c with sum(min(size, c)) <= budget over `sizes` (sorted ascending). */
function capFor(sizes: number[], budget: number): number {
  let left = budget;
  for (let k = 0; k < sizes.length; k++) {
    const share = Math.floor(left / (sizes.length - k));
    if (sizes[k] > share) return share;
    left -= sizes[k];
  }
  return Infinity;
}

/**
 * The JSON of `items` in at most `max` bytes. `keep`: which items stay when some must go.
 * `cuts` and `unseenBytes`: strings the main thread cut at its copy limit, and their bytes it
 * did not copy (decode.ts), for the original size. Mutates `items` when it truncates.
 */
export function fitJson(items: unknown[], max: number, keep: 'last' | 'first', cuts = 0, unseenBytes = 0): Fitted {
  const json = toJson(items);
  const bytes = Buffer.byteLength(json, 'utf8');
  const originalBytes = bytes + unseenBytes - cuts * MARK_BYTES;
  if (bytes <= max) return { json, truncated: cuts > 0, originalBytes };

  // Per item: its bytes, and those of its cuttable strings.
  const sizes = items.map((item) => Buffer.byteLength(toJson(item), 'utf8'));
  const leaves = items.map((item) => {
    const list: Leaf[] = [];
    return { list, sum: leavesOf(item, list) };
  });
  let first = 0;
  let last = items.length; // kept: [first, last)
  let fixed = 2;
  for (let i = 0; i < items.length; i++) fixed += sizes[i] - leaves[i].sum + (i > 0 ? 1 : 0);
  // The room the texts of items [first, last) need at least: each its MIN_TEXT (or all of it).
  const least = (i: number): number => leaves[i].list.reduce((n, l) => n + Math.min(l.bytes, MIN_TEXT + MARK_BYTES), 0);
  let textNeed = 0;
  for (let i = 0; i < items.length; i++) textNeed += least(i);
  const reserve = Math.floor(max / 4);
  while (last > first && (fixed > max - reserve || fixed + textNeed > max)) {
    const drop = keep === 'last' ? first++ : --last;
    fixed -= sizes[drop] - leaves[drop].sum + (last > first ? 1 : 0);
    textNeed -= least(drop);
  }
  const kept = items.slice(first, last);
  const kept_leaves = leaves.slice(first, last).flatMap((l) => l.list);
  let budget = max - fixed;
  for (let attempt = 0; attempt < 4 && kept.length > 0; attempt++) {
    const cap = capFor(kept_leaves.map((l) => l.bytes).sort((a, b) => a - b), budget);
    for (const l of kept_leaves) {
      if (l.bytes > cap) {
        const s = (l.holder as Record<string | number, unknown>)[l.key] as string;
        const shorter = cut(s, cap);
        (l.holder as Record<string | number, unknown>)[l.key] = shorter;
        l.bytes = jsonBytes(shorter);
      }
    }
    const out = toJson(kept);
    const outBytes = Buffer.byteLength(out, 'utf8');
    if (outBytes <= max) return { json: out, truncated: true, originalBytes };
    budget -= outBytes - max;
  }
  return { json: '[]', truncated: true, originalBytes };
}

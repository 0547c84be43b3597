// Bounded, safe JSON reading for the wire parsers. Worker thread. Everything here is linear in
// the text and never throws:
//   parseJson     JSON.parse behind a guard (V8's parser is iterative: deep nesting costs memory
//                 in proportion to the text, not stack)
//   scanTop       the top-level scalar fields of an object, from a prefix of its text (a body the
//                 capture cut, or that does not parse): the model asked for, `stream`, an id
//   arrayElements the elements of a JSON array, one at a time, from a prefix of its text (Gemini's
//                 streamGenerateContent without ?alt=sse sends one growing array)

/** What parseJson returns for text that is not JSON (a value JSON cannot produce). */
export const NOT_JSON: unique symbol = Symbol('not JSON');

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index of the quote closing the string whose opening quote is at `open`, or -1 when the text ends first. */
function stringEnd(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return -1;
    // Escaped when an odd number of backslashes stand before it.
    let slashes = 0;
    for (let k = at - 1; k > open && text.charCodeAt(k) === BACKSLASH; k--) slashes++;
    if ((slashes & 1) === 0) return at;
  }
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipSpace(text: string, at: number): number {
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

/**
 * Index just past the value starting at `at` (an object, array, string or scalar), or -1 when
 * the text ends inside it. Objects and arrays are skipped by depth, strings by their quotes.
 */
function valueEnd(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === QUOTE) {
    const end = stringEnd(text, at);
    return end < 0 ? -1 : end + 1;
  }
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let i = at; i < text.length; i++) {
      const d = text.charCodeAt(i);
      if (d === QUOTE) {
        i = stringEnd(text, i);
        if (i < 0) return -1;
      } else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        if (--depth === 0) return i + 1;
      }
    }
    return -1;
  }
  let i = at;
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === 0x2c || d === 0x7d || d === 0x5d || isSpace(d)) return i;
    i++;
  }
  // A scalar running to the end of a prefix may itself be cut (12 of 1234): not taken.
  return -1;
}

/**
 * The top-level fields named in `keys` whose values are strings, numbers, booleans or null, read
 * from the start of an object's text as far as it goes. Nested values are skipped, not parsed.
 */
export function scanTop(text: string, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let at = skipSpace(text, 0);
  if (text.charCodeAt(at) !== 0x7b) return out;
  at++;
  for (;;) {
    at = skipSpace(text, at);
    if (text.charCodeAt(at) !== QUOTE) return out;
    const keyEnd = stringEnd(text, at);
    if (keyEnd < 0) return out;
    const key = parseJson(text.slice(at, keyEnd + 1));
    at = skipSpace(text, keyEnd + 1);
    if (text.charCodeAt(at) !== 0x3a) return out;
    at = skipSpace(text, at + 1);
    const end = valueEnd(text, at);
    if (end < 0) return out;
    // A repeated key: the last one wins, as in JSON.parse.
    if (typeof key === 'string' && keys.includes(key)) {
      const c = text.charCodeAt(at);
      if (c !== 0x7b && c !== 0x5b) {
        const value = parseJson(text.slice(at, end));
        if (value !== NOT_JSON) out[key] = value;
      }
    }
    at = skipSpace(text, end);
    if (text.charCodeAt(at) !== 0x2c) return out;
    at++;
  }
}

/**
 * Calls `each` with the text of every whole element of the JSON array that `text` starts, in
 * order; returns true when the array closed, false when the text ended first (or is no array).
 */
export function arrayElements(text: string, each: (element: string) => void): boolean {
  let at = skipSpace(text, 0);
  if (text.charCodeAt(at) !== 0x5b) return false;
  at = skipSpace(text, at + 1);
  if (text.charCodeAt(at) === 0x5d) return true;
  for (;;) {
    const end = valueEnd(text, at);
    if (end < 0) return false;
    each(text.slice(at, end));
    at = skipSpace(text, end);
    const c = text.charCodeAt(at);
    if (c === 0x5d) return true;
    if (c !== 0x2c) return false;
    at = skipSpace(text, at + 1);
  }
}

// The bytes of a request or response body as text, for the wire parsers (worker/wire/). Worker
// thread (in-memory mode: the calling thread). One validating pass (simdutf behind isUtf8) and one
// decode; invalid UTF-8 is decoded with U+FFFD in place of the bad bytes and reported, never
// thrown. A body the capture cut short may end inside a character: that tail is dropped, so the
// cut is reported as a cut and not as bad UTF-8.

import { Buffer, isUtf8 } from 'node:buffer';

/** The text of `bytes` and whether it was valid UTF-8 (after a cut body's broken last character is dropped). */
export interface BodyText {
  text: string;
  utf8: boolean;
}

/** Length of `bytes` without a UTF-8 sequence left incomplete at its end (at most 3 bytes go). */
export function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  // Walk back over continuation bytes (10xxxxxx) to the lead byte of the last sequence.
  let i = n - 1;
  while (i >= 0 && i >= n - 4 && (bytes[i]! & 0xc0) === 0x80) i--;
  if (i < 0 || i < n - 4) return n;
  const lead = bytes[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return n - i < need ? i : n;
}

/** Decodes a body; `cut`: the capture kept only its first bytes. Never throws. */
export function bodyText(bytes: Uint8Array, cut: boolean): BodyText {
  const length = cut ? completeLength(bytes) : bytes.length;
  if (length === 0) return { text: '', utf8: true };
  // A Buffer view of the same memory (the arena's SharedArrayBuffer too): no copy before the decode.
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, length);
  return { text: view.toString('utf8'), utf8: isUtf8(view) };
}

// A segment as a worker thread holds it (store.ts appends to it, replay.ts sends it), and reading
// one from its file when a worker adopts it. Worker only; the bytes' format is format.ts's.

import { readFileSync } from 'node:fs';
import { FLAG_SETTLED, parseSegment, type RecordInfo } from './format.js';

export interface Segment {
  path: string;
  /** Counter index of its destination here; -1 when this process has no destination of that name. */
  dest: number;
  destination: string;
  /** Written in this process's session: its records' spans are in N_SPOOLED. */
  mine: boolean;
  bytes: number;
  records: RecordInfo[];
  /** Records before it are settled. */
  next: number;
  /** Open for appending by this worker (its fd). */
  fd: number | undefined;
}

export interface LoadedSegment {
  seg: Segment;
  /** Its header does not parse: nothing in it can be replayed (seg has no records). */
  damaged: boolean;
  /** A record head that does not check ended the parse: one corrupt record, its spans unknown. */
  brokenTail: boolean;
}

/**
 * Reads the segment file at `path`, adopted by a worker of session `session` whose counted
 * destinations are `names`; undefined when the file cannot be read (it is gone).
 */
export function loadSegment(path: string, session: string, names: readonly string[]): LoadedSegment | undefined {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch {
    return undefined;
  }
  const parsed = parseSegment(data);
  if (parsed === undefined) {
    return { seg: { path, dest: -1, destination: '', mine: false, bytes: data.length, records: [], next: 0, fd: undefined }, damaged: true, brokenTail: false };
  }
  const dest = names.indexOf(parsed.destination);
  // Whose books its spans are in: the session that wrote it (its header), not the one holding it.
  const mine = parsed.session === session;
  // Replay settles records in order: it goes on after those marked settled (their spans are counted).
  let next = 0;
  while (next < parsed.records.length && (parsed.records[next].flags & FLAG_SETTLED) !== 0) next++;
  const seg = { path, dest, destination: parsed.destination, mine, bytes: data.length, records: parsed.records, next, fd: undefined };
  return { seg, damaged: false, brokenTail: parsed.brokenTail };
}

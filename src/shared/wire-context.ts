// What turning wire records (FLAG_WIRE, instrumentFetch) into calls needs on the thread that
// does it: a worker, or the calling thread of an in-memory tracer (worker/wire-records.ts).
// Pure type; both threads.

import type { LearnedStrings } from './learned-strings.js';
import type { WireCapture } from './wire.js';

export interface WireContext {
  /** Where the strings a parser reads get their ids (learned-strings.ts). */
  learned: LearnedStrings;
  /** The content categories the tracer captures (all false: none). */
  capture: WireCapture;
  /** Counts one exchange not fully read, by WIRE_PROBLEMS index (layout.ts). */
  problem(kind: number): void;
}

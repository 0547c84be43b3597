// Trace and span ids as they travel in records (uint32 words) and as OTel writes them (hex).
// Pure; both threads.

import type { RecordFields } from './codec.js';

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

export function traceIdHex(r: RecordFields): string {
  return hex8(r.trace0) + hex8(r.trace1) + hex8(r.trace2) + hex8(r.trace3);
}

export function parentSpanIdHex(r: RecordFields): string {
  return hex8(r.parent0) + hex8(r.parent1);
}

// Captures the active OTel span context into a record, so the span built later in a worker is a
// child of the request span (architecture, hard problem 5). Main thread, on the request path.
// Uses only @opentelemetry/api: with no context manager registered this costs one map lookup.

import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { RecordFields } from '../shared/codec.js';
import { FLAG_PARENT } from '../shared/layout.js';

let lastTraceId = '';
let lastSpanId = '';
let t0 = 0, t1 = 0, t2 = 0, t3 = 0, p0 = 0, p1 = 0;

/** Fills the trace words of `out` from the active span; returns FLAG_PARENT or 0. */
export function captureActiveParent(out: RecordFields): number {
  const sc = trace.getSpanContext(context.active());
  if (sc === undefined || !isSpanContextValid(sc)) return 0;
  // Hex parsing is the expensive part; calls inside one request share the same ids.
  if (sc.traceId !== lastTraceId) {
    const t = sc.traceId;
    t0 = parseInt(t.slice(0, 8), 16);
    t1 = parseInt(t.slice(8, 16), 16);
    t2 = parseInt(t.slice(16, 24), 16);
    t3 = parseInt(t.slice(24, 32), 16);
    lastTraceId = t;
  }
  if (sc.spanId !== lastSpanId) {
    p0 = parseInt(sc.spanId.slice(0, 8), 16);
    p1 = parseInt(sc.spanId.slice(8, 16), 16);
    lastSpanId = sc.spanId;
  }
  out.trace0 = t0;
  out.trace1 = t1;
  out.trace2 = t2;
  out.trace3 = t3;
  out.parent0 = p0;
  out.parent1 = p1;
  out.traceFlags = sc.traceFlags;
  return FLAG_PARENT;
}

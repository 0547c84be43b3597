// Captures the active OTel span context into a record, so the span built later in a worker is a
// child of the request span (architecture, hard problem 5). Main thread, on the request path.

import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { FLAG_PARENT, U_PARENT, U_TRACE, U_TRACE_FLAGS } from '../shared/layout.js';

// Where @opentelemetry/api 1.x registers its globals (its internal/global-utils). When no
// context manager is registered there, no span can be active: that case (most gateways without
// OTel tracing of their own) costs two property loads instead of the API's ~20 ns lookup chain.
// When one is registered, the public API below does the real work, version checks included.
const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const registry = globalThis as unknown as Record<symbol, { context?: unknown } | undefined>;

let lastTraceId = '';
let lastSpanId = '';
let t0 = 0, t1 = 0, t2 = 0, t3 = 0, p0 = 0, p1 = 0;

/** Writes the active span's ids into the record at u32 offset `ub`; returns FLAG_PARENT or 0. */
export function captureActiveParent(u: Uint32Array, ub: number): number {
  // Small enough to be inlined into the record call; the rest is not.
  return registry[API_GLOBAL]?.context === undefined ? 0 : captureFromApi(u, ub);
}

function captureFromApi(u: Uint32Array, ub: number): number {
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
  u[ub + U_TRACE] = t0;
  u[ub + U_TRACE + 1] = t1;
  u[ub + U_TRACE + 2] = t2;
  u[ub + U_TRACE + 3] = t3;
  u[ub + U_PARENT] = p0;
  u[ub + U_PARENT + 1] = p1;
  u[ub + U_TRACE_FLAGS] = sc.traceFlags;
  return FLAG_PARENT;
}

// The parent of a recorded call (architecture, hard problem 5): the span active in the OTel
// context at the record call, or one the caller passes explicitly. Main thread, request path.
// Its ids go into the record as six uint32 words, so the span built later in a worker is a
// child of it. A parent that is not sampled means the trace is not being recorded: the call is
// then not recorded either (counted as dropped, reason notSampled), as a parent-based sampler
// would decide.

import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { invalidRange, invalidType } from '../errors.js';

export const NO_PARENT = 0;
export const SAMPLED_PARENT = 1;
export const UNSAMPLED_PARENT = 2;
const SAMPLED_FLAG = 1;

/** The last parent found, as record words. Valid after a call that returned SAMPLED_PARENT. */
export const parent = { t0: 0, t1: 0, t2: 0, t3: 0, p0: 0, p1: 0, flags: 0 };

// Where @opentelemetry/api 1.x registers its globals (its internal/global-utils). When no
// context manager is registered there, no span can be active: that case (most gateways without
// OTel tracing of their own) costs two property loads instead of the API's ~20 ns lookup chain.
// When one is registered, the public API below does the real work, version checks included.
const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const registry = globalThis as unknown as Record<symbol, { context?: unknown } | undefined>;

/** The span active in the OTel context: NO_PARENT, SAMPLED_PARENT (ids in `parent`) or UNSAMPLED_PARENT. */
export function activeParent(): number {
  // Small enough to be inlined into the record call; the rest is not.
  return registry[API_GLOBAL]?.context === undefined ? NO_PARENT : parentFromApi();
}

let lastTraceId = '';
let lastSpanId = '';

function parentFromApi(): number {
  const sc = trace.getSpanContext(context.active());
  if (sc === undefined || !isSpanContextValid(sc)) return NO_PARENT;
  return setParent(sc.traceId, sc.spanId, sc.traceFlags);
}

function setParent(traceId: string, spanId: string, traceFlags: number): number {
  if ((traceFlags & SAMPLED_FLAG) === 0) return UNSAMPLED_PARENT;
  // Hex parsing is the expensive part; calls inside one request share the same ids.
  if (traceId !== lastTraceId) {
    parent.t0 = parseInt(traceId.slice(0, 8), 16);
    parent.t1 = parseInt(traceId.slice(8, 16), 16);
    parent.t2 = parseInt(traceId.slice(16, 24), 16);
    parent.t3 = parseInt(traceId.slice(24, 32), 16);
    lastTraceId = traceId;
  }
  if (spanId !== lastSpanId) {
    parent.p0 = parseInt(spanId.slice(0, 8), 16);
    parent.p1 = parseInt(spanId.slice(8, 16), 16);
    lastSpanId = spanId;
  }
  parent.flags = traceFlags & 0xff;
  return SAMPLED_PARENT;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/**
 * `call.parent`: an OTel SpanContext (or any object with the same three fields) that the span
 * must be a child of, instead of the active span.
 */
export function explicitParent(value: unknown): number {
  if (typeof value !== 'object' || value === null) {
    throw invalidType('call.parent', 'a SpanContext ({ traceId, spanId, traceFlags })', value);
  }
  const { traceId, spanId, traceFlags } = value as Record<string, unknown>;
  if (typeof traceId !== 'string') throw invalidType('call.parent.traceId', '32 lower-case hex digits', traceId);
  if (!TRACE_ID.test(traceId) || /^0+$/.test(traceId)) {
    throw invalidRange('call.parent.traceId', '32 lower-case hex digits, not all zero', traceId);
  }
  if (typeof spanId !== 'string') throw invalidType('call.parent.spanId', '16 lower-case hex digits', spanId);
  if (!SPAN_ID.test(spanId) || /^0+$/.test(spanId)) {
    throw invalidRange('call.parent.spanId', '16 lower-case hex digits, not all zero', spanId);
  }
  if (typeof traceFlags !== 'number') throw invalidType('call.parent.traceFlags', 'an integer', traceFlags);
  if (!Number.isInteger(traceFlags) || traceFlags < 0 || traceFlags > 0xff) {
    throw invalidRange('call.parent.traceFlags', 'an integer between 0 and 255', traceFlags);
  }
  return setParent(traceId, spanId, traceFlags);
}

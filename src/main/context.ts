// The parent of a recorded call (architecture, hard problem 5): the span active in the OTel
// context at the record call, or one the caller passes explicitly. Main thread, request path.
// Its ids go into the record as six uint32 words, so the span built later in a worker is a
// child of it. A parent that is not sampled means the trace is not being recorded: the call is
// then not recorded either (counted as dropped, reason notSampled), as a parent-based sampler
// would decide.

import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { invalidRange, invalidType } from '../errors.js';
import { otelContextRegistered } from '../shared/otel-context.js';

export const NO_PARENT = 0;
export const SAMPLED_PARENT = 1;
export const UNSAMPLED_PARENT = 2;
const SAMPLED_FLAG = 1;

/** The last parent found, as record words. Valid after a call that returned SAMPLED_PARENT. */
export const parent = { t0: 0, t1: 0, t2: 0, t3: 0, p0: 0, p1: 0, flags: 0 };

// When no context manager is registered, no span can be active: that case (most gateways
// without OTel tracing of their own) costs two property loads (src/shared/otel-context.ts).
// When one is registered, the public API below does the real work, version checks included.

/** The span active in the OTel context: NO_PARENT, SAMPLED_PARENT (ids in `parent`) or UNSAMPLED_PARENT. */
export function activeParent(): number {
  // Small enough to be inlined into the record call; the rest is not.
  return otelContextRegistered() ? parentFromApi() : NO_PARENT;
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

// The ids the last explicit parent passed the checks with: a stream's parent, or the calls of
// one request, come again with the same strings, which need no second look. They start as ids
// that pass, so nothing unchecked can match them.
let checkedTraceId = '00000000000000000000000000000001';
let checkedSpanId = '0000000000000001';

/**
 * `call.parent`: an OTel SpanContext (or any object with the same three fields) that the span
 * must be a child of, instead of the active span; null: no parent (a root span), whatever is
 * active.
 */
export function explicitParent(value: unknown): number {
  if (value === null) return NO_PARENT;
  if (typeof value !== 'object') {
    throw invalidType('call.parent', 'a SpanContext ({ traceId, spanId, traceFlags }) or null', value);
  }
  const { traceId, spanId, traceFlags } = value as Record<string, unknown>;
  if (traceId !== checkedTraceId) {
    if (typeof traceId !== 'string') throw invalidType('call.parent.traceId', '32 lower-case hex digits', traceId);
    if (!TRACE_ID.test(traceId) || /^0+$/.test(traceId)) {
      throw invalidRange('call.parent.traceId', '32 lower-case hex digits, not all zero', traceId);
    }
    checkedTraceId = traceId;
  }
  if (spanId !== checkedSpanId) {
    if (typeof spanId !== 'string') throw invalidType('call.parent.spanId', '16 lower-case hex digits', spanId);
    if (!SPAN_ID.test(spanId) || /^0+$/.test(spanId)) {
      throw invalidRange('call.parent.spanId', '16 lower-case hex digits, not all zero', spanId);
    }
    checkedSpanId = spanId;
  }
  if (typeof traceFlags !== 'number') throw invalidType('call.parent.traceFlags', 'an integer', traceFlags);
  if (!Number.isInteger(traceFlags) || traceFlags < 0 || traceFlags > 0xff) {
    throw invalidRange('call.parent.traceFlags', 'an integer between 0 and 255', traceFlags);
  }
  // Both ids are strings: checked above, or equal to strings checked before.
  return setParent(traceId as string, spanId as string, traceFlags);
}

// Turns SpanData (plain, cloneable) into the ReadableSpan every SDK SpanExporter consumes.
// Pure; used in workers for their exporters and on the main thread for a customExporter. The
// object has every member of the SDK's ReadableSpan (2.x and 3.x alike: sdk-shapes.ts).
//
// Why not the SDK's Tracer: its Span object re-reads the clock, runs a sampler and span limits and
// copies attributes one by one (~3 µs a span here). Our spans are finished and validated when
// they are built, so we hand exporters a frozen ReadableSpan with the call's own times.

import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type HrTime, type SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope, ReadableSpan, Resource, TimedEvent } from './sdk-shapes.js';
import { spanAttributes } from './record.js';
import type { SpanData } from '../shared/span-data.js';

export type { SpanData } from '../shared/span-data.js';

export const INSTRUMENTATION_SCOPE: InstrumentationScope = Object.freeze({ name: 'ractogateway', version: '0.1.0' });

/** Epoch milliseconds (fractional) to OTel HrTime [seconds, nanoseconds]. */
export function msToHrTime(ms: number): HrTime {
  let seconds = Math.floor(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, nanos];
}

const NO_EVENTS: TimedEvent[] = [];

class FinishedSpan implements ReadableSpan {
  readonly name: string;
  readonly kind = SpanKind.CLIENT;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: ReadableSpan['status'];
  readonly attributes: Attributes;
  readonly links = [];
  readonly events = NO_EVENTS;
  readonly ended = true;
  readonly resource: Resource;
  readonly instrumentationScope = INSTRUMENTATION_SCOPE;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  readonly #context: SpanContext;

  constructor(d: SpanData, resource: Resource) {
    const r = d.record;
    this.name = r.name;
    this.#context = { traceId: d.traceId, spanId: d.spanId, traceFlags: d.traceFlags };
    this.parentSpanContext = d.parentSpanId === undefined
      ? undefined
      : { traceId: d.traceId, spanId: d.parentSpanId, traceFlags: d.traceFlags, isRemote: false };
    this.startTime = msToHrTime(d.startMs);
    this.endTime = msToHrTime(d.endMs);
    this.duration = msToHrTime(d.endMs - d.startMs);
    this.status = r.status === 'error'
      ? { code: SpanStatusCode.ERROR, message: r.errorType ?? 'unknown' }
      : { code: SpanStatusCode.UNSET };
    this.attributes = spanAttributes(r);
    this.resource = resource;
  }

  spanContext(): SpanContext {
    return this.#context;
  }
}

export function toReadableSpan(d: SpanData, resource: Resource): ReadableSpan {
  return new FinishedSpan(d, resource);
}

export const SAMPLED = TraceFlags.SAMPLED;

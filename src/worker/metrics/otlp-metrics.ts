// The metric families (families.ts) as an OTLP ExportMetricsServiceRequest (protobuf), cumulative
// temporality, with the tracer's resource and scope. Worker thread (the metrics host). Sent every
// metricsExportIntervalMillis by the same HTTP sender as the spans (worker/otlp/transport.ts): a push
// is a few hundred data points, so this encoder builds each message plainly, bottom up.
//
//   ResourceMetrics{1 resource, 2 scope_metrics{1 scope, 2 metrics}}
//   Metric{1 name, 2 description, 3 unit, 7 sum{1 points, 2 temporality, 3 monotonic} | 5 gauge{1 points}
//          | 9 histogram{1 points, 2 temporality}}
//   NumberDataPoint{7 attributes, 2 start, 3 time, 4 as_double, 5 exemplars}
//   HistogramDataPoint{9 attributes, 2 start, 3 time, 4 count, 5 sum, 6 bucket_counts, 7 explicit_bounds, 8 exemplars}
//   Exemplar{2 time, 3 as_double, 4 span_id, 5 trace_id}   (issue 32: the latest exported span per bucket)

import type { Attributes } from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE } from '../../spans/readable-span.js';
import { ProtoWriter, WIRE_FIXED64, WIRE_VARINT, lenField, tag, utf8Bytes, writeKeyValue } from '../otlp/index.js';
import type { Family, Labels } from './families.js';
import type { Exemplar } from './exemplars.js';

const CUMULATIVE = 2;

function message(build: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter(256);
  build(w);
  return w.copy();
}

function varintField(w: ProtoWriter, field: number, v: number): void {
  w.ensure(16);
  w.varint(tag(field, WIRE_VARINT));
  w.varint(v);
}

function nanosField(w: ProtoWriter, field: number, ms: number): void {
  w.ensure(16);
  w.varint(tag(field, WIRE_FIXED64));
  w.nanos(ms);
}

function doubleField(w: ProtoWriter, field: number, v: number): void {
  w.ensure(16);
  w.varint(tag(field, WIRE_FIXED64));
  w.double(v);
}

/** A fixed64 of an integer below 2^53. */
function fixed64(w: ProtoWriter, v: number): void {
  w.fixed32(v % 4_294_967_296);
  w.fixed32(Math.floor(v / 4_294_967_296));
}

/** An Exemplar message: the span's ids as bytes, its value and time. */
function exemplarMessage(e: Exemplar): Uint8Array {
  return message((w) => {
    nanosField(w, 2, e.timeMs);
    doubleField(w, 3, e.value);
    w.lenField(4, Buffer.from(e.spanId, 'hex'));
    w.lenField(5, Buffer.from(e.traceId, 'hex'));
  });
}

function attributes(w: ProtoWriter, field: number, labels: Labels): void {
  for (const [k, v] of labels) if (v !== '') writeKeyValue(w, field, k, v);
}

function metric(f: Family, startMs: number, nowMs: number): Uint8Array {
  const points = f.kind === 'histogram'
    ? f.points.map((p) => message((w) => {
        attributes(w, 9, p.labels);
        nanosField(w, 2, startMs);
        nanosField(w, 3, nowMs);
        w.ensure(16);
        w.varint(tag(4, WIRE_FIXED64));
        fixed64(w, p.count);
        doubleField(w, 5, p.sum);
        w.lenField(6, message((b) => {
          b.ensure(8 * p.buckets.length);
          for (const c of p.buckets) fixed64(b, c);
        }));
        w.lenField(7, message((b) => {
          b.ensure(8 * f.bounds.length);
          for (const bound of f.bounds) b.double(bound);
        }));
        for (const e of p.exemplars ?? []) if (e !== undefined) w.lenField(8, exemplarMessage(e));
      }))
    : f.points.map((p) => message((w) => {
        attributes(w, 7, p.labels);
        nanosField(w, 2, startMs);
        nanosField(w, 3, nowMs);
        doubleField(w, 4, p.value);
        if (p.exemplar !== undefined) w.lenField(5, exemplarMessage(p.exemplar));
      }));
  return message((w) => {
    w.lenField(1, utf8Bytes(f.name));
    w.lenField(2, utf8Bytes(f.help));
    w.lenField(3, utf8Bytes(f.unit));
    const body = message((d) => {
      for (const p of points) d.lenField(1, p);
      if (f.kind !== 'gauge') varintField(d, 2, CUMULATIVE);
      if (f.kind === 'counter') varintField(d, 3, 1);
    });
    w.lenField(f.kind === 'histogram' ? 9 : f.kind === 'gauge' ? 5 : 7, body);
  });
}

/**
 * The ExportMetricsServiceRequest of `families`: cumulative since `startMs` (epoch ms, when the
 * host began aggregating), observed at `nowMs`. Families with no points are left out.
 */
export function encodeMetricsRequest(families: readonly Family[], resource: Attributes, startMs: number, nowMs: number): Uint8Array {
  const resourceBody = message((w) => {
    for (const key in resource) {
      const value = resource[key];
      if (value !== undefined) writeKeyValue(w, 1, key, value);
    }
  });
  const scope = message((w) => {
    w.lenField(1, utf8Bytes(INSTRUMENTATION_SCOPE.name));
    if (INSTRUMENTATION_SCOPE.version !== undefined) w.lenField(2, utf8Bytes(INSTRUMENTATION_SCOPE.version));
  });
  const scopeMetrics = message((w) => {
    w.lenField(1, scope);
    for (const f of families) if (f.points.length > 0) w.lenField(2, metric(f, startMs, nowMs));
  });
  const resourceMetrics = message((w) => {
    w.lenField(1, resourceBody);
    w.lenField(2, scopeMetrics);
  });
  return lenField(1, resourceMetrics);
}


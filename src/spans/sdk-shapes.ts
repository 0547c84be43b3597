// The shapes the OpenTelemetry JS SDK's exporters consume, declared here so that no SDK package is
// needed at run time or for the types: a `SpanExporter` of SDK 2.x (`@opentelemetry/sdk-trace-base`)
// or 3.x (`@opentelemetry/sdk-trace`) takes our spans, and one of theirs is a `SpanExporter` here.
// Both majors declare the same members (checked against their .d.ts files; test/package compiles
// a user's exporter of each against these types). Pure types: both threads import them.

import type { Attributes, AttributeValue, HrTime, Link, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';

/** ExportResultCode of @opentelemetry/core: 0 success, 1 failed. */
export interface ExportResult {
  code: number;
  error?: Error;
}

export interface InstrumentationScope {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
}

export interface TimedEvent {
  time: HrTime;
  name: string;
  attributes?: Attributes;
  droppedAttributesCount?: number;
}

/** The Resource interface of @opentelemetry/resources 2.x and 3.x. */
export interface Resource {
  readonly asyncAttributesPending?: boolean;
  readonly attributes: Attributes;
  readonly schemaUrl?: string;
  waitForAsyncAttributes?(): Promise<void>;
  merge(other: Resource | null): Resource;
  getRawAttributes(): [string, AttributeValue | Promise<AttributeValue | undefined> | undefined][];
}

/** A finished span, as SpanExporter.export() receives it. */
export interface ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly spanContext: () => SpanContext;
  readonly parentSpanContext?: SpanContext;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: TimedEvent[];
  readonly duration: HrTime;
  readonly ended: boolean;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
}

export interface SpanExporter {
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

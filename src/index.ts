// Public API of ractogateway (also served as `ractogateway/telemetry`). Named exports only.

export { RactoTracer } from './tracer.js';
export { ModelPricing } from './pricing/model-pricing.js';
export { DEFAULT_COST_TABLE } from './pricing/default-table.js';
export { computeCost } from './pricing/cost.js';
export { canonicalModel } from './pricing/table-resolver.js';
export { DEFAULTS } from './options/index.js';
export { RactoError } from './errors.js';
export { OVERFLOW_STRING } from './shared/strings.js';
export { rateLimitsFromHeaders } from './shared/ratelimit.js';
export type { RateLimits, RateLimitReading } from './shared/ratelimit.js';
export type { ChunkTiming } from './main/calls.js';

export type { MetricsOptions, SamplingOptions } from './options/metrics.js';
export type { ContentOptions, RedactionOptions } from './options/content.js';
export type { CaptureCategories, RedactionRule } from './shared/content-config.js';
export type {
  ChatMessage, OutputMessage, MessagePart, TextPart, ReasoningPart, ToolCallPart, ToolCallResponsePart, BlobPart, UriPart, FilePart, GenericPart,
  ToolDefinition,
} from './messages.js';
export type { RactoTracerOptions, FullRingPolicy, ClockMode, WorkerExporterSpec, OtlpCompression, OtlpHttpProtocol } from './options/index.js';
export type { ChatCall, EmbedCall, CacheHit, CallStatus, ParentSpanContext } from './main/writer.js';
export type { WireExchangeCall } from './main/wire-call.js';
export type { WireFormat } from './shared/wire.js';
export type { WireStats, WireProblemKind } from './main/counters.js';
export type { SpanRecord, SpanContent, SpanName, SpanNames, Operation } from './spans/record.js';
export type { SpanSignals } from './shared/span-data.js';
export type { PriceSource, CostOptions } from './pricing/cost.js';
export type { TracerStats, DroppedByReason, FailedByReason, DestinationStats, SpoolStats, ContentDropped } from './main/counters.js';
export type { ModelPricingInit, PriceTable } from './pricing/model-pricing.js';
export type { RactoErrorCode } from './errors.js';
export type { ReadableSpan, SpanExporter, Resource, ExportResult, InstrumentationScope, TimedEvent } from './spans/sdk-shapes.js';

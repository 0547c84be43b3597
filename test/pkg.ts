// Tests of the tracer import the built package, so they exercise what ships (including the
// worker file that piscina loads from dist/).
export {
  RactoTracer,
  ModelPricing,
  DEFAULT_COST_TABLE,
  computeCost,
  DEFAULTS,
  RactoError,
  OVERFLOW_STRING,
  rateLimitsFromHeaders,
} from '../dist/index.js';
export type { SpanRecord, TracerStats, RactoTracerOptions } from '../dist/index.js';
